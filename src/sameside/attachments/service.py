"""Recording files on a case's timeline. Never commits.

The bytes go to the content-addressed store through `store` (the blob
store's `put`, which returns the SHA-256): the domain never learns where
files live. A file stored for a message whose transaction then rolls back is
left unreferenced, harmless, as the same bytes are stored once however often
they come.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from sameside.attachments.rules import File
from sameside.mail.models import Attachment


def attach(
    session: Session, store: Callable[[bytes], str], *, case_id: int, entry_id: int, files: Sequence[File]
) -> list[Attachment]:
    """Keep `files` (already accepted by `rules.check`) and link them to the case and its timeline entry."""
    rows: list[Attachment] = []
    for f in files:
        digest = store(f.data)
        if digest != f.sha256:
            raise RuntimeError("the blob store returned another hash than the file's own")
        rows.append(
            Attachment(
                sha256=digest,
                size=f.size,
                filename=f.filename[:255],
                content_type=f.content_type,
                case_id=case_id,
                entry_id=entry_id,
            )
        )
    session.add_all(rows)
    if rows:
        session.flush()
    return rows
