"""Create or migrate a database to the newest schema (what `sameside init` runs)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from sameside.db.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"
UNMODELLED = ("search_documents", "search_index")
"""Tables a migration makes that are no model (the search index: triggers keep them, SQLite's FTS5 names its own)."""


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """For comparing the schema with the models: leave out the tables in `UNMODELLED` and what belongs to them."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED))


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(database: Database) -> None:
    """Bring the database to the newest revision; safe to run again."""
    config = alembic_config(database)
    with database.engine.begin() as connection:
        if not database.is_sqlite:
            # A migration may rewrite a large table or build an index: let it take the time it needs.
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
