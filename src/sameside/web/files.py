"""Files sent with a page's form: sorted by `attachments.rules`, kept on the entry, refusals noted on it.

A refused file never stops the message: the message goes with the files
that passed, and its timeline entry names each refused one and why
(`data["files_refused"]`), where the person who sent it sees it on the next
page, with or without JavaScript.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from sameside.attachments import rules
from sameside.attachments import service as attachments
from sameside.db.engine import Session
from sameside.http import uploads
from sameside.web.deps import PostedForm

REFUSED = "files_refused"


def sort(request: Request, form: PostedForm) -> rules.Sorted:
    return rules.check(form.files, uploads.limits(request))


def refused_data(files: rules.Sorted) -> dict[str, Any] | None:
    """What the entry keeps of the refused files (None when none was)."""
    return {REFUSED: [str(r) for r in files.refused]} if files.refused else None


def keep(request: Request, session: Session, case_id: int, entry_id: int, files: rules.Sorted) -> None:
    attachments.attach(session, request.app.state.blobs.put, case_id=case_id, entry_id=entry_id, files=files.accepted)
