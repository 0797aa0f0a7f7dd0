"""Fixtures: a real database per backend (SQLite and PostgreSQL), the app over HTTP, factories."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sameside.app import create_app
from sameside.audit.immutable import erasing
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


class Databases:
    """Each backend's migrated database, made the first time a test asks and kept to the end of the session.

    pytest tears a parametrised session fixture down whenever the next test wants the other parameter, and a
    test process running whole files alternates between backends file after file: without this keeper each
    process migrated a fresh database some fifteen times per backend.
    """

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self._open: dict[str, Database] = {}
        self._exits = ExitStack()

    def get(self, backend: str) -> Database:
        if backend not in self._open:
            self._open[backend] = self._make(backend)
        return self._open[backend]

    def _make(self, backend: str) -> Database:
        if backend == "sqlite":
            path: Path = self._tmp.mktemp("db") / "sameside.db"
            db = Database(f"sqlite:///{path}")
        else:
            problem = postgres_problem()
            if problem is not None:
                unavailable(f"PostgreSQL is not reachable: {problem}")
            url = self._exits.enter_context(fresh_postgres_database())
            db = Database(url, pool_size=5)
        self._exits.callback(db.dispose)
        migrate.upgrade(db)
        return db

    def close(self) -> None:
        self._exits.close()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    keeper = Databases(tmp_path_factory)
    yield keeper
    keeper.close()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, databases: Databases) -> Database:
    """A migrated database on each backend, shared by the tests of a session and emptied after each."""
    return databases.get(request.param)


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The database, emptied after the test (real commits happen; nothing leaks to the next test)."""
    yield database
    # DELETE, children first, in one round trip: a test leaves a handful of rows, and PostgreSQL's TRUNCATE
    # (new files for every table) cost ~200 ms a test where this costs ~2 ms. Sequences restart so that
    # numbers read the same on both backends.
    deletes = [f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as conn, erasing(conn):  # the audit log refuses DELETE unless told
        if database.is_sqlite:
            for delete in deletes:
                conn.exec_driver_sql(delete)
        else:
            restart = "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
            conn.exec_driver_sql(";".join([*deletes, restart]))


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
