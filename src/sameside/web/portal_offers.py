"""The customer answers an offer in the portal: one of the options, or what they would like instead.

The case page shows the open offer (`web.offers.offer_panel`); each option is a
button that posts the choice, and a box takes their own words. A refusal
(already answered, expired) is shown on the case page, beside the offer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.offers import service as offers
from sameside.offers.rules import Via
from sameside.web.deps import Form, PortalCustomer, Problem, act, go
from sameside.web.portal import draw_case

router = APIRouter(prefix="/portal", include_in_schema=False)

OfferId = Annotated[int, Path(ge=1, le=MAX_ID)]
TOO_LONG = "That is too long to send: please keep it shorter."


@router.post("/offers/{offer_id}/choice", response_model=None)
@offload
def choose(request: Request, offer_id: OfferId, form: Form, me: PortalCustomer) -> Response:
    number = form.get("case")

    def work(session: Session) -> Response:
        option = form.get("option")
        if not option.isdigit():
            raise Invalid("Choose one of the options.")
        offer = offers.choose(session, offer_id, int(option), via=Via.PORTAL, customer=me.actor)
        return go(f"/portal/cases/{offer.case_id}#offer")

    return act(request, me.csrf, form, work, _refused(request, me, number), too_large=TOO_LONG)


@router.post("/offers/{offer_id}/counter", response_model=None)
@offload
def counter(request: Request, offer_id: OfferId, form: Form, me: PortalCustomer) -> Response:
    number = form.get("case")

    def work(session: Session) -> Response:
        offer = offers.counter(session, offer_id, form.get("text", ""), via=Via.PORTAL, customer=me.actor)
        return go(f"/portal/cases/{offer.case_id}#offer")

    return act(request, me.csrf, form, work, _refused(request, me, number, typed=form.get("text")), too_large=TOO_LONG)


def _refused(request: Request, me: Any, number: str, typed: str | None = None) -> Any:
    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        case_number = int(number) if number.isdigit() and int(number) <= MAX_ID else 0
        return draw_case(
            request, session, me.actor, case_number, status_code=status, offer_error=error, offer_typed=typed
        )

    return refused
