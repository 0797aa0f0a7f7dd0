"""The page an offer's email link opens: the option, and one button to choose it (a GET never chooses).

Mail scanners open links, so the link only shows what it would do; the
POST from this page chooses, with the link's signature as the permission
(no sign-in: the email reached the customer). "Something else" opens a box
for their own words, which go back to the case's owner.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from sameside.db.engine import Session
from sameside.grants.rules import Money
from sameside.http.deps import Write
from sameside.http.links import offer_link_valid
from sameside.http.offload import offload
from sameside.kit.errors import DomainError
from sameside.kit.ids import MAX_ID
from sameside.offers import service as offers
from sameside.offers.models import Offer
from sameside.offers.rules import OfferState, Via
from sameside.web.deps import Form, PageSession
from sameside.web.pages import page

router = APIRouter(include_in_schema=False)

OfferId = Annotated[int, Path(ge=1, le=MAX_ID)]
Which = Annotated[str, Path(pattern=r"^(other|[1-9][0-9]{0,9})$")]
Expires = Annotated[int, Query(ge=0, le=2**40)]
Signature = Annotated[str, Query(max_length=100)]

BAD_LINK = "This link is not valid or has expired. Reply to our email, or sign in to your cases, and we will help."


@router.get("/offers/{offer_id}/{which}", response_class=HTMLResponse)
@offload
def confirm(
    request: Request,
    offer_id: OfferId,
    which: Which,
    session: PageSession,
    expires: Expires = 0,
    signature: Signature = "",
) -> HTMLResponse:
    if not offer_link_valid(request, offer_id, which, expires, signature):
        return page(request, "offer_choice.html", status_code=404, error=BAD_LINK)
    offer = session.get(Offer, offer_id)
    if offer is None:
        return page(request, "offer_choice.html", status_code=404, error=BAD_LINK)
    return _page(request, offer, which, expires=expires, signature=signature)


@router.post("/offers/{offer_id}/{which}", response_class=HTMLResponse)
@offload
def answer(request: Request, offer_id: OfferId, which: Which, form: Form, write: Write) -> HTMLResponse:
    expires, signature = form.get("expires", ""), form.get("signature", "")
    if not expires.isdigit() or not offer_link_valid(request, offer_id, which, int(expires), signature):
        return page(request, "offer_choice.html", status_code=404, error=BAD_LINK)
    with write() as session:
        try:
            if which == "other":
                offer = offers.counter(session, offer_id, form.get("text", ""), via=Via.EMAIL, customer=None)
            else:
                offer = offers.choose(session, offer_id, int(which), via=Via.EMAIL, customer=None)
        except DomainError as error:
            session.rollback()
            current = session.get(Offer, offer_id)
            if current is None:
                return page(request, "offer_choice.html", status_code=404, error=BAD_LINK)
            return _page(
                request,
                current,
                which,
                expires=int(expires),
                signature=signature,
                error=error.detail,
                status=error.status,
                text=form.get("text", ""),
            )
        return _page(request, offer, which, done=True)


def _page(
    request: Request,
    offer: Offer,
    which: str,
    *,
    expires: int = 0,
    signature: str = "",
    error: str | None = None,
    status: int = 200,
    done: bool = False,
    text: str = "",
) -> HTMLResponse:
    option = next((o for o in offer.options if str(o.id) == which), None)
    if which != "other" and option is None:
        return page(request, "offer_choice.html", status_code=404, error=BAD_LINK)
    chosen = next((o for o in offer.options if o.id == offer.chosen_option_id), None)
    worth = (
        Money(option.amount_minor, option.currency).words()
        if option is not None and option.amount_minor is not None and option.currency
        else None
    )
    return page(
        request,
        "offer_choice.html",
        status_code=status,
        offer=offer,
        option=option,
        other=which == "other",
        chosen=chosen,
        worth=worth,
        open=offer.state is OfferState.OPEN,
        expires=expires,
        signature=signature,
        error=error,
        done=done,
        text=text,
    )


def offer_panel(session: Session, case_id: int) -> dict[str, Any]:
    """The case's latest offer for the portal: the options with what each is worth, or None."""
    made = list(offers.for_case(session, case_id))
    latest = made[-1] if made else None
    if latest is None or latest.state is OfferState.WITHDRAWN:
        return {"offer": None}
    worth = {
        o.id: Money(o.amount_minor, o.currency).words()
        for o in latest.options
        if o.amount_minor is not None and o.currency is not None
    }
    chosen = next((o for o in latest.options if o.id == latest.chosen_option_id), None)
    return {
        "offer": latest,
        "offer_worth": worth,
        "offer_chosen": chosen,
        "offer_open": latest.state is OfferState.OPEN,
    }
