"""One live server per backend for the fault-injection suite (`tests/faults/live.py` starts it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.live import Desk, fresh_database, serving

BACKENDS = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="package", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="package")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(backend, tmp_path_factory.mktemp(f"faults-{backend}")) as url:
        yield url


@pytest.fixture(scope="package")
def desk(database_url: str, backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """The server most faults are injected into, with the short limits of `live.LIMITS`."""
    with serving(database_url, tmp_path_factory.mktemp(f"serve-{backend}"), "desk") as running:
        yield running
