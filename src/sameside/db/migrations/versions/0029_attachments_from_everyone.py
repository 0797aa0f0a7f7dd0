"""attachments from everyone

No change to the schema: an uploaded file is a row of the existing `attachments`
table, linked to its case and timeline entry (whose author says who sent it),
and files refused are named in that entry's data.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
