"""Making an offer, the customer's answer to it (a choice or their own words), and its expiry.

The offer reaches the customer as a reply on the case, by the channel they
prefer, with a link to choose each option and one to say something else.
Choosing happens only by a POST (from the portal, or from the page an
email link opens): mail scanners open links. An option's grant is made on
the budget of whoever offered it, under the grant rules: within it, issued
at once; above it, asked of a supervisor inside the case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sameside.cases import events, timeline
from sameside.cases import rules as case_rules
from sameside.cases import service as cases
from sameside.cases.access import scope_of
from sameside.cases.models import Case
from sameside.contact import service as contact
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.grants import rules as grant_rules
from sameside.grants import service as grants
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, NotFound
from sameside.kit.events import publish
from sameside.offers import rules
from sameside.offers.models import Offer, OfferOption
from sameside.offers.rules import OfferState, OptionSpec, Via
from sameside.staff import notifications
from sameside.staff.models import Staff

Links = Callable[[Offer, OfferOption | None], str]
"""The customer's link to choose an option (None: to say what they want instead), valid until the offer expires."""

SOFTWARE = SystemActor("offers")


def make(
    session: Session,
    actor: Actor,
    case: Case,
    options: list[OptionSpec],
    *,
    links: Links,
    expires_in: timedelta = rules.EXPIRY_DEFAULT,
    intro: str | None = None,
) -> Offer:
    """Offer two to four resolutions on the case; an open offer before it is withdrawn, on the record."""
    case_rules.check_work(actor, scope_of(case), "make an offer on this case")
    if not isinstance(actor, StaffActor):
        raise Forbidden("Offers are made by a person.")
    options = rules.clean_options(options)
    rules.check_expiry(expires_in)
    for option in options:  # nothing is offered that policy does not allow (P7)
        if option.grant is not None:
            terms = option.grant
            grant_rules.check_policy(
                terms.kind, terms.money, grants.ceiling_of(session, terms.kind, terms.money.currency)
            )
    now = clock.now()
    for earlier in open_on_case(session, case.id):
        earlier.state, earlier.answered_at = OfferState.WITHDRAWN, now
        _settled(session, actor, case, earlier, "withdrawn", None, now, body=None)
    offer = Offer(
        case_id=case.id,
        customer_id=case.customer_id,
        made_by=actor.staff_id,
        made_at=now,
        expires_at=now + expires_in,
        warn_at=now + expires_in - rules.warn_before(expires_in),
        state=OfferState.OPEN,
        options=[
            OfferOption(
                position=n,
                label=o.label,
                grant_kind=o.grant.kind if o.grant else None,
                grant_purpose=o.grant.purpose if o.grant else None,
                amount_minor=o.grant.money.amount_minor if o.grant else None,
                currency=o.grant.money.currency if o.grant else None,
            )
            for n, o in enumerate(options, start=1)
        ],
    )
    session.add(offer)
    session.flush()
    customer = session.get(Customer, case.customer_id)
    expires = _their_time(offer.expires_at, customer)
    body = rules.customer_text(
        intro, [o.label for o in offer.options], [links(offer, o) for o in offer.options], links(offer, None), expires
    )
    timeline.add_event(
        session,
        case,
        actor,
        events.OfferSent(offer_id=offer.id, options=[o.label for o in offer.options], expires_at=offer.expires_at),
        at=now,
    )
    cases.reply(session, actor, case, body, data={"offer_id": offer.id})
    return offer


def choose(session: Session, offer_id: int, option_id: int, *, via: Via, customer: CustomerActor | None) -> Offer:
    """The customer picks an option; its grant is made. A second choice is refused (409), whoever tries it.

    The grant draws on the budget of who offered it (the owner, when they have
    left); when both have left, it is asked of a supervisor of the case's team.

    `customer` is who is signed in (the portal); None when a signed email
    link is the permission.
    """
    offer, case = _answerable(session, offer_id, customer)
    option = next((o for o in offer.options if o.id == option_id), None)
    if option is None:
        raise NotFound("This offer has no such option.")
    now = clock.now()
    offer.state, offer.chosen_option_id, offer.answered_at, offer.via = OfferState.CHOSEN, option.id, now, via
    _settled(session, None, case, offer, "chosen", option.label, now, body=f"You chose: {option.label}")
    if option.grant_kind is not None and option.grant_purpose is not None:
        assert option.amount_minor is not None and option.currency is not None
        granter = _granter(session, offer, case)
        money = grant_rules.Money(option.amount_minor, option.currency)
        reason = f"Chosen by the customer from offer #{offer.id}: {option.label}"
        if granter is not None:
            grant = grants.make_as(session, granter, case, option.grant_kind, option.grant_purpose, money, reason)
        else:  # nobody's budget can carry it: a supervisor answers for it, inside the case
            grant = grants.ask_unclaimed(
                session,
                SOFTWARE,
                case,
                option.grant_kind,
                option.grant_purpose,
                money,
                reason,
                why="who offered it and the case's owner have both left",
            )
        offer.grant_id = grant.id
    _tell_owner(session, offer, case, f"#{case.id}: the customer chose “{option.label}”")
    return offer


def counter(session: Session, offer_id: int, text: str, *, via: Via, customer: CustomerActor | None) -> Offer:
    """The customer says what they would like instead, in their words: a message on the case, back to its owner."""
    text = rules.clean_counter(text)
    offer, case = _answerable(session, offer_id, customer)
    now = clock.now()
    offer.state, offer.answered_at, offer.via, offer.counter = OfferState.COUNTERED, now, via, text
    _settled(session, None, case, offer, "countered", None, now, body=None)
    cases.receive_message(
        session,
        customer or CustomerActor(case.customer_id),
        case,
        f"None of the options, I would like instead: {text}",
        channel=Channel.PORTAL if via is Via.PORTAL else Channel.EMAIL,
        data={"offer_id": offer.id},
    )
    _tell_owner(session, offer, case, f"#{case.id}: the customer proposed their own way: “{text[:120]}”")
    return offer


def settle_due(session: Session, now: datetime | None = None, *, batch: int = 200) -> int:
    """Tell customers of offers about to expire (once), and expire the ones past their time; returns how many."""
    now = now or clock.now()
    done = 0
    warn = session.scalars(
        select(Offer)
        .where(Offer.state == OfferState.OPEN, Offer.warned_at.is_(None), Offer.warn_at <= now, Offer.expires_at > now)
        .order_by(Offer.warn_at, Offer.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    for offer in warn:
        case = session.get(Case, offer.case_id)
        assert case is not None
        offer.warned_at = now
        # A reminder is not essential: the contact policy may hold it (P10), and then the case says why.
        verdict = contact.ask(session, offer.customer_id, "reminder", case_id=case.id, now=now)
        if not verdict.allowed:
            held = events.ContactHeld(purpose="reminder", reason=verdict.reason or "the contact policy holds it")
            timeline.add_event(session, case, SOFTWARE, held, at=now)
            done += 1
            continue
        when = _their_time(offer.expires_at, session.get(Customer, offer.customer_id))
        cases.acknowledge(
            session,
            SOFTWARE,
            case,
            f"A reminder: the options we offered on case #{case.id} are open until {when}. "
            "Choose one from our earlier message, or tell us what you would like instead.",
        )
        done += 1
    due = session.scalars(
        select(Offer)
        .where(Offer.state == OfferState.OPEN, Offer.expires_at <= now)
        .order_by(Offer.expires_at, Offer.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    for offer in due:
        case = session.get(Case, offer.case_id)
        assert case is not None
        offer.state, offer.answered_at = OfferState.EXPIRED, now
        _settled(
            session,
            SOFTWARE,
            case,
            offer,
            "expired",
            None,
            now,
            body="The options we offered have expired. Write to us here if you would still like one of them.",
        )
        _tell_owner(session, offer, case, f"#{case.id}: the offer expired unanswered")
        done += 1
    session.flush()
    return done


def open_on_case(session: Session, case_id: int) -> Sequence[Offer]:
    return session.scalars(
        select(Offer).where(Offer.case_id == case_id, Offer.state == OfferState.OPEN).with_for_update()
    ).all()


def for_case(session: Session, case_id: int) -> Sequence[Offer]:
    return session.scalars(select(Offer).where(Offer.case_id == case_id).order_by(Offer.id)).all()


def get(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("There is no such offer.")
    return offer


# ---------------------------------------------------------------- inside


def _answerable(session: Session, offer_id: int, customer: CustomerActor | None) -> tuple[Offer, Case]:
    offer = session.get(Offer, offer_id, with_for_update=True)
    if offer is None:
        raise NotFound("There is no such offer.")
    case = session.get(Case, offer.case_id, options=[joinedload(Case.customer)])
    assert case is not None  # an offer is deleted with its case
    if customer is not None and not case_rules.may_view(customer, scope_of(case)):
        raise NotFound("There is no such offer.")
    if offer.state is OfferState.OPEN and clock.now() >= offer.expires_at:
        rules.check_open(OfferState.EXPIRED)
    rules.check_open(offer.state)
    return offer, case


def _granter(session: Session, offer: Offer, case: Case) -> StaffActor | None:
    """Whose budget a chosen grant draws on: who offered it, or the owner when they are gone."""
    for staff_id in (offer.made_by, case.owner_id):
        staff = session.get(Staff, staff_id) if staff_id is not None else None
        if staff is not None and staff.is_active:
            return StaffActor(staff.id, staff.role, staff.team_id, staff.department_id)
    return None


def _settled(
    session: Session,
    actor: Actor | None,
    case: Case,
    offer: Offer,
    outcome: str,
    option: str | None,
    now: datetime,
    *,
    body: str | None,
) -> None:
    timeline.add_event(
        session,
        case,
        actor,
        events.OfferAnswered(
            offer_id=offer.id, outcome=outcome, option=option, via=offer.via.value if offer.via else None
        ),
        at=now,
        body=body,
        customer_id=offer.customer_id if actor is None else None,
    )
    publish(session.info, "case.updated", case_id=case.id)


def _tell_owner(session: Session, offer: Offer, case: Case, text: str) -> None:
    notifications.notify(
        session,
        [case.owner_id or offer.made_by],
        kind="offer_answered",
        text=text,
        case_id=case.id,
        data={"offer_id": offer.id},
    )


def _their_time(at: datetime, customer: Customer | None) -> str:
    zone = ZoneInfo(customer.timezone) if customer is not None and customer.timezone else None
    if zone is None:
        return at.strftime("%A %d %B, %H:%M UTC")
    return at.astimezone(zone).strftime("%A %d %B, %H:%M") + f" ({zone.key})"
