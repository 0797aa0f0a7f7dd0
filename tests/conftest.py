"""Fixtures: a real database per backend (SQLite and PostgreSQL), the app over HTTP, factories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from sameside.app import create_app
from sameside.config import Settings
from sameside.db import migrate
from sameside.db.base import Base
from sameside.db.engine import Database
from tests.factories import Factory
from tests.support import fresh_postgres_database, postgres_problem, unavailable

BACKENDS = ["sqlite", "postgresql"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs, from its fixtures, so `make test-fast` can leave the costly ones out.

    `postgresql`: runs on the PostgreSQL side of the `database` fixture. `browser`: drives Chromium
    (uses the `browser` fixture, directly or through `page`). `slow` and `timed` are marked by hand; a
    timed test also gets `no_cover`, since coverage's tracer would slow what it times several times over.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database") == "postgresql":
            item.add_marker(pytest.mark.postgresql)
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("timed") is not None:
            item.add_marker(pytest.mark.no_cover)


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated database on each backend, shared by the tests of a session and emptied after each."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "sameside.db"
        db = Database(f"sqlite:///{path}")
        migrate.upgrade(db)
        yield db
        db.dispose()
        return
    problem = postgres_problem()
    if problem is not None:
        unavailable(f"PostgreSQL is not reachable: {problem}")
    with fresh_postgres_database() as url:
        db = Database(url, pool_size=5)
        migrate.upgrade(db)
        yield db
        db.dispose()


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The database, emptied after the test (real commits happen; nothing leaks to the next test)."""
    yield database
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as conn:
        if database.is_sqlite:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db.url.render_as_string(hide_password=False), base_url="http://testserver", data_dir=tmp_path
    )


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    """The real ASGI app, spoken to over HTTP (httpx) — never by calling handlers."""
    app = create_app(settings, database=db)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def make(db: Database) -> Factory:
    return Factory(db)
