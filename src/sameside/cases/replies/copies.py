"""Copies of a reply (Cc): who an agent may copy, and what being copied means.

An agent may copy a reply that is emailed to the customer to more people (a
colleague of theirs, their accountant). Each address goes in the message's
Cc header and on its envelope, is kept on the reply's timeline entry
(`data["cc"]`, what the desk and the API show), and joins the case's
participants (`mail.models.CaseParticipant`) exactly as someone the customer
copied on their own first email does: their answers to our mail — which name
its Message-ID, so only someone who received it can — join the case.

That is all it grants. An address an agent types proves nothing about who
reads it, so it never becomes one of the customer's identities: it is sent
no sign-in link, sees nothing on the portal, and is not written to on later
replies unless an agent copies it again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.business import queries as business_queries
from sameside.cases.models import Case, TimelineEntry
from sameside.customers.models import CustomerIdentity
from sameside.customers.rules import IdentityKind
from sameside.kit.errors import Invalid
from sameside.mail import outbox
from sameside.mail.compose import sendable
from sameside.mail.models import CaseParticipant
from sameside.staff.models import Team

CC_MAX = 10
"""Addresses one reply may be copied to: enough for a family or a finance team, too few for a mailing."""
_SEPARATORS = re.compile(r"[\s,;]+")


def parse(raw: str | Iterable[str]) -> list[str]:
    """The addresses typed ("a@x.example, B@y.example"), lower-cased, each once; refused unless each is one we can
    send to (a single plain mailbox, as `compose` requires)."""
    pieces = _SEPARATORS.split(raw) if isinstance(raw, str) else [p for r in raw for p in _SEPARATORS.split(r)]
    found: list[str] = []
    for piece in pieces:
        address = piece.strip().strip("<>").lower()
        if not address:
            continue
        if not sendable(address) or "." not in address.rpartition("@")[2]:
            raise Invalid(f"Cc: {piece.strip()[:80]!r} is not an email address we can send to.")
        if address not in found:
            found.append(address)
    if len(found) > CC_MAX:
        raise Invalid(f"Cc: at most {CC_MAX} addresses on one reply; this one has {len(found)}.")
    return found


def clean(session: Session, case: Case, raw: str | Iterable[str]) -> list[str]:
    """The Cc of a reply on `case`: `parse`d, without the customer's own addresses (they are its To), and never
    one of ours (the copy would come back to us as new mail)."""
    found = parse(raw)
    if not found:
        return []
    ours = {outbox.config().from_address.lower()} | {a.lower() for a in business_queries.accepted_addresses(session)}
    ours |= {e.lower() for e in session.scalars(select(Team.email).where(Team.email.is_not(None))) if e}
    for address in found:
        if address in ours:
            raise Invalid(f"Cc: {address} is one of our own addresses; copy a colleague with a note instead.")
    theirs = set(
        session.scalars(
            select(CustomerIdentity.value).where(
                CustomerIdentity.customer_id == case.customer_id, CustomerIdentity.kind == IdentityKind.EMAIL
            )
        )
    )
    return [a for a in found if a not in theirs]


def noted(session: Session, case: Case, raw: str | Iterable[str]) -> dict[str, list[str]]:
    """What a reply's `data` keeps of its Cc (`clean`ed): `{"cc": [...]}`, or nothing when there is none."""
    found = clean(session, case, raw)
    return {"cc": found} if found else {}


def of(entry: TimelineEntry) -> list[str]:
    """Who a reply was copied to."""
    cc = (entry.data or {}).get("cc")
    return [str(a) for a in cc] if isinstance(cc, list) else []


def confirm(entry: TimelineEntry) -> None:
    """Refuse a copied reply that is not emailed itself (on the portal, in a chat, a call): nobody would get the copy.

    Called once the reply is written, so its route is known; raising rolls the whole reply back.
    """
    if of(entry) and (entry.data or {}).get("emailed") != "reply":
        raise Invalid("Cc goes only with a reply sent by email: answer on email, or remove the Cc.")


def join(session: Session, case_id: int, addresses: Iterable[str]) -> None:
    """The copied people join the case's thread: their answers to our mail are filed on it (see the module doc)."""
    wanted = list(dict.fromkeys(addresses))
    if not wanted:
        return
    present = set(
        session.scalars(
            select(CaseParticipant.address).where(
                CaseParticipant.case_id == case_id, CaseParticipant.address.in_(wanted)
            )
        )
    )
    session.add_all(CaseParticipant(case_id=case_id, address=a) for a in wanted if a not in present)
