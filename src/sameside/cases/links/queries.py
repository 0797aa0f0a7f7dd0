"""Reading a case's links: merged into and from, related, split from and into; the cases a duplicate may join."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from sameside.cases.links.models import CaseLink, LinkKind
from sameside.cases.models import Case
from sameside.cases.queries import visible_to
from sameside.cases.rules import ACTIVE
from sameside.customers.models import Customer
from sameside.kit.actors import Actor

FORWARDS_MAX = 10
"""How many merges a mail thread follows (a merged case's survivor merged on, and so on); a loop cannot happen."""


@dataclass
class CaseLinks:
    """A case's links, each other case loaded with its customer (only those the reader may see)."""

    merged_into: Case | None = None
    merged_from: list[Case] = field(default_factory=list)
    related: list[Case] = field(default_factory=list)
    split_from: Case | None = None
    split_into: list[Case] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.merged_into or self.merged_from or self.related or self.split_from or self.split_into)


def merged_into(session: Session, case_id: int) -> int | None:
    """The case `case_id` was merged into, if it was."""
    return session.scalar(
        select(CaseLink.other_id).where(CaseLink.case_id == case_id, CaseLink.kind == LinkKind.MERGED)
    )


def link_between(session: Session, a: int, b: int) -> CaseLink | None:
    """The link between two cases, whichever way it was stored."""
    return session.scalar(
        select(CaseLink).where(
            or_(
                (CaseLink.case_id == a) & (CaseLink.other_id == b),
                (CaseLink.case_id == b) & (CaseLink.other_id == a),
            )
        )
    )


def links_of(session: Session, actor: Actor, case_id: int) -> CaseLinks:
    """Everything linked to the case, in two indexed reads; cases the actor may not read are left out."""
    rows = session.execute(
        select(CaseLink.case_id, CaseLink.other_id, CaseLink.kind).where(
            or_(CaseLink.case_id == case_id, CaseLink.other_id == case_id)
        )
    ).all()
    others = {r.other_id if r.case_id == case_id else r.case_id for r in rows}
    found: dict[int, Case] = {}
    if others:
        found = {
            c.id: c
            for c in session.scalars(
                select(Case)
                .where(Case.id.in_(others), visible_to(actor))
                .options(joinedload(Case.customer))
                .order_by(Case.id)
            ).unique()
        }
    links = CaseLinks()
    for row in sorted(rows, key=lambda r: (r.case_id, r.other_id)):
        mine = row.case_id == case_id
        other = found.get(row.other_id if mine else row.case_id)
        if other is None:
            continue
        if row.kind is LinkKind.RELATED:
            links.related.append(other)
        elif row.kind is LinkKind.MERGED:
            if mine:
                links.merged_into = other
            else:
                links.merged_from.append(other)
        elif mine:
            links.split_from = other
        else:
            links.split_into.append(other)
    return links


def merge_candidates(session: Session, actor: Actor, case: Case, *, limit: int = 10) -> Sequence[Case]:
    """The customer's (and their organisation's) other active cases, newest first: where a duplicate may go."""
    organisation = case.customer.organization_id
    customers = (
        Case.customer_id == case.customer_id
        if organisation is None
        else Case.customer_id.in_(select(Customer.id).where(Customer.organization_id == organisation))
    )
    merged_away = select(CaseLink.case_id).where(CaseLink.kind == LinkKind.MERGED)
    return (
        session.scalars(
            select(Case)
            .where(
                customers,
                Case.id != case.id,
                Case.status.in_(ACTIVE),
                Case.id.not_in(merged_away),
                visible_to(actor),
            )
            .options(joinedload(Case.customer))
            .order_by(Case.id.desc())
            .limit(limit)
        )
        .unique()
        .all()
    )


def forwarded(session: Session, case: Case, belongs: Callable[[int], bool]) -> Case:
    """Where mail on `case`'s thread goes: through each merge, as far as its sender belongs to the case.

    A merged case forwards to its survivor only when `belongs(survivor_id)`:
    a customer's mail never lands on a case that is not theirs to write on.
    """
    for _ in range(FORWARDS_MAX):
        survivor_id = merged_into(session, case.id)
        if survivor_id is None or not belongs(survivor_id):
            return case
        survivor = session.get(Case, survivor_id)
        if survivor is None:
            return case
        case = survivor
    return case
