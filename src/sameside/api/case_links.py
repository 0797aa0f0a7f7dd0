"""Merged, linked and split cases (`cases.links`): staff only, from either case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from sameside.api import presenters
from sameside.cases.access import case_after_handoff, case_for
from sameside.cases.links import queries, service
from sameside.cases.links.schemas import CaseLinksOut, LinkedCase, LinkIn, MergeIn, SplitIn
from sameside.cases.models import Case
from sameside.cases.schemas import CaseOut
from sameside.customers.schemas import CustomerBrief
from sameside.db.engine import Session
from sameside.http.deps import ReadSession, StaffUser, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.actors import Actor
from sameside.kit.ids import MAX_ID

router = APIRouter(prefix="/cases", tags=["case links"])

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="The case number")]


def _brief(case: Case) -> LinkedCase:
    return LinkedCase(
        number=case.id,
        subject=case.subject,
        status=case.status,
        customer=CustomerBrief(id=case.customer.id, name=case.customer.name),
    )


def links_out(session: Session, actor: Actor, number: int) -> CaseLinksOut:
    found = queries.links_of(session, actor, number)
    return CaseLinksOut(
        merged_into=_brief(found.merged_into) if found.merged_into else None,
        merged_from=[_brief(c) for c in found.merged_from],
        related=[_brief(c) for c in found.related],
        split_from=_brief(found.split_from) if found.split_from else None,
        split_into=[_brief(c) for c in found.split_into],
    )


def _both(session: Session, actor: Actor, number: int, other: int, *, other_for_update: bool) -> tuple[Case, Case]:
    """Both cases, locked in number order, so two merges crossing each other never deadlock."""
    if number < other:
        case = case_for(session, actor, number, for_update=True)
        return case, case_for(session, actor, other, for_update=other_for_update)
    second = case_for(session, actor, other, for_update=other_for_update)
    return case_for(session, actor, number, for_update=True), second


@router.get("/{number}/links", response_model=CaseLinksOut)
@offload
def case_links(number: CaseNumber, actor: StaffUser, session: ReadSession) -> CaseLinksOut:
    """What the case is linked to: merged into or from, related, split from or into."""
    case_for(session, actor, number)
    return links_out(session, actor, number)


@router.post("/{number}/merge", response_model=CaseOut)
@offload
def merge(number: CaseNumber, body: MergeIn, actor: StaffUser, write: Write) -> CaseOut:
    """Merge this case, a duplicate, into `into`; answers the case that stays.

    Only into a case of the same customer or organisation (another's is a
    422), neither closed nor merged already (409). The same customer's
    timeline moves to the survivor in order, and replies to its mail land
    there; another customer's stays where it is, so neither reads the other's
    words. This case is closed and points to the survivor. The caller must be
    able to change both.
    """
    with write() as session:
        duplicate, survivor = _both(session, actor, number, body.into, other_for_update=True)
        service.merge(session, actor, duplicate, survivor)
        return presenters.case_out(case_after_handoff(session, survivor.id))


@router.post("/{number}/links", status_code=status.HTTP_201_CREATED, response_model=CaseLinksOut)
@offload
@idempotent
def link(number: CaseNumber, body: LinkIn, actor: StaffUser, write: Write, request: Request) -> CaseLinksOut:
    """Link a related case (any case the caller may read; 409 if already linked); shown on both."""
    with write() as session:
        case, other = _both(session, actor, number, body.case, other_for_update=False)
        service.link(session, actor, case, other)
        return links_out(session, actor, number)


@router.delete("/{number}/links/{other}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
@offload
def unlink(number: CaseNumber, other: CaseNumber, actor: StaffUser, write: Write) -> Response:
    """Remove a related link (404 when there is none); merges and splits are history and stay."""
    with write() as session:
        service.unlink(session, actor, case_for(session, actor, number, for_update=True), other)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{number}/split", status_code=status.HTTP_201_CREATED, response_model=CaseOut)
@offload
@idempotent
def split(number: CaseNumber, body: SplitIn, actor: StaffUser, write: Write, request: Request) -> CaseOut:
    """Split one of the customer's later messages off into a new case of theirs, in the same team; answers it."""
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        new = service.split(session, actor, case, body.message_id)
        return presenters.case_out(case_after_handoff(session, new.id))
