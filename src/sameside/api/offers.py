"""Offers (P6) and decisions (P7) on a case."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from sameside.cases.access import case_for
from sameside.decisions import service as decisions
from sameside.decisions.models import Decision
from sameside.decisions.schemas import DecisionIn, DecisionOut
from sameside.grants.rules import Money
from sameside.http.deps import CustomerUser, ReadSession, StaffUser, User, Write
from sameside.http.idempotency import idempotent
from sameside.http.links import offer_links
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor
from sameside.kit.ids import MAX_ID
from sameside.offers import service as offers
from sameside.offers.models import Offer
from sameside.offers.rules import GrantTerms, OptionSpec, Via
from sameside.offers.schemas import ChoiceIn, CounterIn, OfferIn, OfferOut

router = APIRouter()

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def offer_out(offer: Offer) -> OfferOut:
    return OfferOut.model_validate(offer)


def decision_out(decision: Decision) -> DecisionOut:
    fields = {name: getattr(decision, name) for name in DecisionOut.model_fields if name != "standing"}
    return DecisionOut.model_validate({**fields, "standing": decision.revised_at is None})


@router.post("/cases/{number}/offers", status_code=status.HTTP_201_CREATED, response_model=OfferOut, tags=["offers"])
@offload
@idempotent
def make_offer(number: Id, body: OfferIn, actor: StaffUser, write: Write, request: Request) -> OfferOut:
    """Offer the customer two to four resolutions, each maybe carrying a grant; they choose, or say what they want.

    It reaches them as a reply by the channel they prefer, with a link per
    option; an open offer on the case before it is withdrawn.
    """
    options = [
        OptionSpec(
            o.label,
            GrantTerms(o.grant.kind, o.grant.purpose, Money(o.grant.amount_minor, o.grant.currency))
            if o.grant
            else None,
        )
        for o in body.options
    ]
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        offer = offers.make(
            session,
            actor,
            case,
            options,
            links=offer_links(request),
            expires_in=timedelta(hours=body.expires_in_hours),
            intro=body.intro,
        )
        return offer_out(offer)


@router.get("/cases/{number}/offers", response_model=list[OfferOut], tags=["offers"])
@offload
def case_offers(number: Id, actor: User, session: ReadSession) -> list[OfferOut]:
    """The offers made on the case, oldest first (the customer sees their own cases' offers)."""
    case = case_for(session, actor, number)
    return [offer_out(o) for o in offers.for_case(session, case.id)]


@router.post("/offers/{offer_id}/choice", response_model=OfferOut, tags=["offers"])
@offload
def choose(offer_id: Id, body: ChoiceIn, actor: CustomerUser, write: Write) -> OfferOut:
    """The customer chooses an option (once: a second choice is a 409)."""
    with write() as session:
        return offer_out(offers.choose(session, offer_id, body.option_id, via=Via.PORTAL, customer=actor))


@router.post("/offers/{offer_id}/counter", response_model=OfferOut, tags=["offers"])
@offload
def counter(offer_id: Id, body: CounterIn, actor: CustomerUser, write: Write) -> OfferOut:
    """The customer proposes their own way, in words: it goes back to the case's owner."""
    with write() as session:
        return offer_out(offers.counter(session, offer_id, body.text, via=Via.PORTAL, customer=actor))


@router.post(
    "/cases/{number}/decisions", status_code=status.HTTP_201_CREATED, response_model=DecisionOut, tags=["decisions"]
)
@offload
@idempotent
def record_decision(number: Id, body: DecisionIn, actor: StaffUser, write: Write, request: Request) -> DecisionOut:
    """Record the case's final decision (or a polite decline) with its rationale and policy; the customer reads it.

    Once one stands, only a supervisor revises it, giving `revision_reason`.
    """
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        decision = decisions.record(
            session,
            actor,
            case,
            body.kind,
            customer_text=body.customer_text,
            rationale=body.rationale,
            policy=body.policy,
            revision_reason=body.revision_reason,
            resolve=body.resolve,
        )
        return decision_out(decision)


@router.get("/cases/{number}/decisions", response_model=list[DecisionOut], tags=["decisions"])
@offload
def case_decisions(number: Id, actor: User, session: ReadSession) -> list[DecisionOut]:
    """The case's decisions, oldest first; `standing` marks the one that holds. Customers read what they were told."""
    case = case_for(session, actor, number)
    found = [decision_out(d) for d in decisions.history(session, case.id)]
    if isinstance(actor, CustomerActor):
        return [d.model_copy(update={"rationale": "", "revision_reason": None}) for d in found]
    return found
