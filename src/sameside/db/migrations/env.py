"""Alembic environment: runs migrations on the connection `db.migrate` hands over (or a URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import sameside.auth.models
import sameside.business.models
import sameside.callbacks.models
import sameside.calls.models
import sameside.cases.links.models
import sameside.cases.models
import sameside.cases.repeats.models
import sameside.cases.service_levels.models
import sameside.chat.models
import sameside.coach.models
import sameside.consults.models
import sameside.contact.models
import sameside.customers.models
import sameside.decisions.models
import sameside.feedback.models
import sameside.grants.models
import sameside.idempotency.models
import sameside.incidents.models
import sameside.jobs.models
import sameside.knowledge.models
import sameside.mail.models
import sameside.offers.models
import sameside.reports.models
import sameside.saved_replies.models
import sameside.surveys.models
import sameside.webhooks.models
import sameside.staff.models  # noqa: F401  (registers every table on Base.metadata)
from sameside.db import search_index
from sameside.db.base import Base
from sameside.db.migrate import include_name

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as conn:
            _migrate(conn)
        return
    _migrate(connection)


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
        # SQLite drops a table's triggers when a migration rebuilds the table: the search index's come back.
        search_index.ensure(context.get_bind())


run()
