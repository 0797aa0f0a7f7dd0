"""Calls on a real database: finding a caller by number in either form, a case for them, calls written down,
and booked callbacks taken, settled, retried, moved and cancelled through their case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sameside.callbacks.models import CallbackState
from sameside.callbacks.rules import CallbackOutcome
from sameside.calls import queries, service
from sameside.calls.models import Call
from sameside.calls.rules import Direction, Outcome
from sameside.calls.service import CallDetails, NewCaller
from sameside.cases import events
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.routing import homes
from sameside.cases.rules import EventType
from sameside.customers.errors import IdentityTaken
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import Channel, IdentityKind, Proof
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid, NotFound
from sameside.staff.models import Team
from tests.calls.seed import ALWAYS_OPEN, SYSTEM, add_phone, book, business_phone, callback, first_free
from tests.factories import Factory, Person

NOON = datetime(2031, 3, 3, 12, 0, tzinfo=UTC)
ANSWERED = CallDetails(Direction.INBOUND, Outcome.ANSWERED, 270, "Wants the second charge back.")


def agent(person: Person, role: Role = Role.AGENT) -> StaffActor:
    return StaffActor(person.id, role, person.team_id)


def test_a_caller_is_found_by_their_number_in_either_form(db: Database, make: Factory) -> None:
    ana = make.customer("ana@example.com", name="Ana Lima")
    bo = make.customer("bo@example.com", name="Bo Berg")
    add_phone(db, ana.id, "+44 20 7946 0018")  # kept in international form
    add_phone(db, bo.id, "020 7946 0999")  # kept as the agent typed it, nationally
    with business_phone("+44 20 7946 0000"), db.unit_of_work(write=False) as s:
        assert [c.id for c in queries.find_callers(s, "020 7946 0018").customers] == [ana.id]
        assert [c.id for c in queries.find_callers(s, "+44 20 7946 0999").customers] == [bo.id]
        assert {c.id for c in queries.find_callers(s, "020 7946").customers} == {ana.id, bo.id}
        assert [c.id for c in queries.find_callers(s, "ana lim").customers] == [ana.id]
        assert [c.id for c in queries.find_callers(s, "bo@example").customers] == [bo.id]
    with business_phone(None), db.unit_of_work(write=False) as s:  # no country known: only as typed
        assert [c.id for c in queries.find_callers(s, "020 7946 0018").customers] == []


def test_a_new_caller_is_made_with_what_the_agent_heard_marked_unproven(db: Database, make: Factory) -> None:
    team = make.team()
    me = make.staff(Role.AGENT, team=team)
    with business_phone("+44 20 7946 0000"), db.unit_of_work() as s:
        made = service.new_caller(s, agent(me), NewCaller("  Dee   Okafor ", "020 7946 0123", "Dee@Example.com"))
        identities = s.scalars(select(CustomerIdentity).where(CustomerIdentity.customer_id == made.id)).all()
        assert made.name == "Dee Okafor"
        assert {(i.kind, i.value, i.proof, i.added_by) for i in identities} == {
            (IdentityKind.PHONE, "+442079460123", Proof.PENDING, me.id),
            (IdentityKind.EMAIL, "dee@example.com", Proof.PENDING, me.id),
        }
    with business_phone("+44 20 7946 0000"), db.unit_of_work() as s, pytest.raises(IdentityTaken):
        service.new_caller(s, agent(me), NewCaller("Someone Else", "+44 20 7946 0123"))
    with db.unit_of_work() as s, pytest.raises(Invalid, match="name"):
        service.new_caller(s, agent(me), NewCaller(" ", "020 7946 0124"))


def test_a_callers_case_is_a_phone_case_in_a_team_kept_by_the_agent_with_the_call(db: Database, make: Factory) -> None:
    team, phones = make.team(), make.team()
    me = make.staff(Role.AGENT, team=team)
    make.staff(Role.AGENT, team=phones)
    caller = make.customer("caller@example.com", name="Cal Caller")
    with db.unit_of_work() as s:
        homes.set_home(s, SYSTEM, "phone", s.get(Team, phones.id))
    with db.unit_of_work() as s:
        customer = s.get(Customer, caller.id)
        assert customer is not None
        case, call = service.open_caller_case(
            s, agent(me), customer, subject="Charged twice", problem="I was charged twice.", call=ANSWERED
        )
        number = case.id
        assert (case.channel, case.team_id, case.owner_id) == (Channel.PHONE, phones.id, None)  # not my team's
        assert (call.direction, call.outcome, call.duration_seconds) == (Direction.INBOUND, Outcome.ANSWERED, 270)
    with db.unit_of_work() as s:
        customer = s.get(Customer, caller.id)
        assert customer is not None
        homes.set_home(s, SYSTEM, "phone", None)
        mine, _ = service.open_caller_case(s, agent(me), customer, subject="Again", problem="Hi.", call=ANSWERED)
        assert (mine.team_id, mine.owner_id) == (team.id, me.id)  # no phone team: the agent's own, and they keep it
    with db.unit_of_work(write=False) as s:
        entries = s.scalars(select(TimelineEntry).where(TimelineEntry.case_id == number)).all()
        [logged] = [e for e in entries if e.event is EventType.CALL_LOGGED]
        payload = events.payload_of(logged)
        assert isinstance(payload, events.CallLogged)
        assert (logged.is_public, logged.body, payload.duration_seconds) == (
            False,
            "Wants the second charge back.",
            270,
        )
        [first] = [e for e in entries if e.direction == "inbound"]
        assert (first.body, first.channel) == ("I was charged twice.", Channel.PHONE)


def test_no_callers_case_lands_nowhere(db: Database, make: Factory) -> None:
    drifter = make.staff(Role.AGENT)  # in no team, and no team takes phone cases
    caller = make.customer()
    with db.unit_of_work() as s, pytest.raises(Invalid, match="Choose a team"):
        customer = s.get(Customer, caller.id)
        assert customer is not None
        service.open_caller_case(s, agent(drifter), customer, subject="Hi", problem="Hello", call=ANSWERED)
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Case.id)) is None


def test_a_call_on_a_booked_callback_settles_it_and_a_retry_is_booked_for_the_same_person(
    db: Database, make: Factory
) -> None:
    team = make.team()
    me, colleague = make.staff(Role.AGENT, team=team), make.staff(Role.AGENT, team=team)
    number = make.case(team=team).id
    with clock.frozen(NOON):
        booked = book(db, number)
        with db.unit_of_work() as s:
            service.assign_callback(s, agent(me), booked, colleague.id)
        retry_at = first_free(db, after=3)
        with db.unit_of_work() as s:
            details = CallDetails(Direction.OUTBOUND, Outcome.NO_ANSWER, 40)
            call, retry = service.callback_outcome(s, agent(me), booked, details, ALWAYS_OPEN, retry_at=retry_at)
            assert retry is not None
            retry_id, call_id = retry.id, call.id
        settled, again = callback(db, booked), callback(db, retry_id)
        assert (settled.state, settled.outcome, settled.done_by) == (
            CallbackState.DONE,
            CallbackOutcome.NO_ANSWER,
            me.id,
        )
        assert (again.state, again.starts_at, again.assignee_id) == (CallbackState.BOOKED, retry_at, colleague.id)
        with db.unit_of_work(write=False) as s:
            logged = s.get(Call, call_id)
            assert logged is not None
            assert (logged.callback_id, logged.duration_seconds, logged.phone) == (booked, 0, "+442079460018")
            said = [e.event for e in s.scalars(select(TimelineEntry).where(TimelineEntry.case_id == number))]
            assert said.count(EventType.CALLBACK_ASSIGNED) == 2 and EventType.CALL_LOGGED in said
        with db.unit_of_work() as s, pytest.raises(Exception, match="done"):
            service.callback_outcome(
                s, agent(me), booked, CallDetails(Direction.OUTBOUND, Outcome.ANSWERED, 60), ALWAYS_OPEN
            )
        with db.unit_of_work() as s, pytest.raises(Invalid, match="nobody answered"):
            details = CallDetails(Direction.OUTBOUND, Outcome.ANSWERED, 60)
            service.callback_outcome(s, agent(me), retry_id, details, ALWAYS_OPEN, retry_at=first_free(db, after=5))


def test_only_those_who_may_work_the_case_take_a_callback_and_a_call_stays_on_its_case(
    db: Database, make: Factory
) -> None:
    team, elsewhere = make.team(), make.team()
    outsider = make.staff(Role.AGENT, team=elsewhere)
    me = make.staff(Role.AGENT, team=team)
    number, other = make.case(team=team).id, make.case(team=team).id
    with clock.frozen(NOON):
        booked = book(db, number)
        with db.unit_of_work() as s, pytest.raises(Forbidden):
            service.assign_callback(s, agent(outsider), booked, outsider.id)
        with db.unit_of_work() as s, pytest.raises(Invalid, match="another case"):
            case = case_for(s, agent(me), other, for_update=True)
            service.log_call(
                s, agent(me), case, CallDetails(Direction.OUTBOUND, Outcome.ANSWERED, 60, callback_id=booked)
            )
        with db.unit_of_work() as s, pytest.raises(Invalid, match="active"):
            service.assign_callback(s, agent(me), booked, 999_999)


def test_the_customer_moves_and_cancels_their_own_callback_and_nobody_elses(db: Database, make: Factory) -> None:
    team = make.team()
    make.staff(Role.AGENT, team=team)
    mine, theirs = make.customer(name="Mine"), make.customer(name="Theirs")
    number = make.case(mine, team=team).id
    with clock.frozen(NOON):
        booked = book(db, number)
        later = first_free(db, after=4)
        with db.unit_of_work() as s, pytest.raises(NotFound):
            service.move_callback(s, CustomerActor(theirs.id), booked, ALWAYS_OPEN, starts_at=later)
        with db.unit_of_work() as s:
            service.move_callback(s, CustomerActor(mine.id), booked, ALWAYS_OPEN, starts_at=later)
        assert callback(db, booked).starts_at == later
        with db.unit_of_work() as s, pytest.raises(NotFound):
            service.cancel_callback(s, CustomerActor(theirs.id), booked)
        with db.unit_of_work() as s:
            service.cancel_callback(s, CustomerActor(mine.id), booked)
        assert callback(db, booked).state is CallbackState.CANCELLED
