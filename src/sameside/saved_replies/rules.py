"""Saved replies' rules: what a reply may say and do, who keeps which, and where a signature goes. Pure.

A saved reply is *personal* (its owner's alone: nobody else lists, uses or
changes it) or *shared* (kept by supervisors and admins, used by everyone, or
only by one team's people when it names a team). Its optional actions are
applied when a reply written with it is sent, never when it is inserted: an
agent may still change their mind, and nothing happens to the case until the
customer has the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sameside.cases.rules import CaseStatus, Priority, clean_tags
from sameside.customers.rules import Channel
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.saved_replies import placeholders

TITLE_MAX = 120
BODY_MAX = 10_000
SIGNATURE_MAX = 1_000
QUERY_MAX = 100
TAGS_MAX = 10
TAG_LIST_MAX = 40
"""Tags as sent, before duplicates are dropped."""

STATUSES = (CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.WAITING_ON_INTERNAL, CaseStatus.RESOLVED)
"""Where a saved reply may leave its case: where a person's reply may (never closed, never back to new)."""

SIGNED_CHANNELS = frozenset({Channel.EMAIL, Channel.PORTAL})
"""Replies that are letters get the agent's signature; a chat line or a note of a call does not."""


@dataclass(frozen=True, slots=True)
class Actions:
    """What sending a reply written with a saved reply also does to its case."""

    status: CaseStatus | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.status is not None or self.priority is not None or bool(self.tags)


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise Invalid("Give the saved reply a title: what it answers, in a few words.")
    if len(title) > TITLE_MAX:
        raise Invalid(f"A title is at most {TITLE_MAX} characters.")
    return title


def clean_body(body: str) -> str:
    """The text, with its placeholders checked: an unknown one is refused now, never when it is sent."""
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise Invalid("Write the reply's text.")
    if len(body) > BODY_MAX:
        raise Invalid(f"A saved reply is at most {BODY_MAX:,} characters.")
    placeholders.check(body)
    return body


def clean_actions(status: CaseStatus | None, priority: Priority | None, tags: list[str] | None) -> Actions:
    if status is not None and status not in STATUSES:
        allowed = ", ".join(s.value for s in STATUSES)
        raise Invalid(f"A saved reply may leave its case {allowed}; not {status.value}.")
    cleaned = tuple(clean_tags(tags or []))
    if len(cleaned) > TAGS_MAX:
        raise Invalid(f"A saved reply may add at most {TAGS_MAX} tags.")
    return Actions(status, priority, cleaned)


def parse_tags(typed: str) -> list[str]:
    """Tags as typed in a form: separated by commas."""
    return [t.strip() for t in typed.split(",") if t.strip()]


def check_may_keep(actor: StaffActor, *, shared: bool, owner_id: int | None) -> None:
    """Shared replies are the team's voice: supervisors and admins keep them. A personal one is its owner's."""
    if shared:
        if not actor.at_least(Role.SUPERVISOR):
            raise Forbidden("Shared saved replies are kept by supervisors and admins; save it as yours instead.")
    elif owner_id is not None and owner_id != actor.staff_id:
        raise Forbidden("This saved reply is someone else's.")


def may_keep(actor: StaffActor, *, shared: bool, owner_id: int | None) -> bool:
    try:
        check_may_keep(actor, shared=shared, owner_id=owner_id)
    except Forbidden:
        return False
    return True


def clean_signature(text: str | None) -> str | None:
    if text is None:
        return None
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    if len(text) > SIGNATURE_MAX:
        raise Invalid(f"A signature is at most {SIGNATURE_MAX:,} characters.")
    return text or None


def signed(body: str, signature: str | None) -> str:
    """The reply with the signature under it, after a blank line; once, even if the agent typed it already."""
    if not signature or body.rstrip().endswith(signature):
        return body
    return f"{body.rstrip()}\n\n{signature}"


def insert(draft: str, text: str) -> str:
    """A saved reply added to what the agent wrote so far (without JavaScript: at the end, after a blank line)."""
    return f"{draft.rstrip()}\n\n{text}" if draft.strip() else text
