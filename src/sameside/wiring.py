"""The composition root: subscribes event handlers and applies settings to the parts that need them.

Live updates (web issue) hook in here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore

if TYPE_CHECKING:
    from sameside.intake.pipeline import Intake


def wire(settings: Settings) -> None:
    """Apply settings process-wide. Safe to call again (tests build apps with different settings)."""
    outbox.configure(
        outbox.MailConfig(
            domain=settings.mail_domain,
            from_address=settings.mail_from,
            from_name=settings.mail_from_name,
            automatic_per_hour=settings.mail_automatic_per_hour,
            acknowledge=settings.mail_acknowledge,
        )
    )


def blob_store(settings: Settings) -> BlobStore:
    return BlobStore(settings.blob_dir)


def intake(db: Database, settings: Settings) -> Intake:
    from sameside.intake.pipeline import Intake  # only the processes that take mail load the parsers

    return Intake(db, blob_store(settings), max_attachment_bytes=settings.mail_max_bytes)
