"""full-text search over cases, messages and customers

One search document per case, kept by triggers in the same transaction as
the message; SQLite FTS5, PostgreSQL tsvector + GIN. The SQL is in
`sameside.db.search_index` (see there why); this revision creates it and
fills it from the cases already there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 07:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from sameside.db import search_index

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    search_index.create(op.get_bind())


def downgrade() -> None:
    search_index.drop(op.get_bind())
