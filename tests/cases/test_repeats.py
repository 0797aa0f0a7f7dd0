"""Repeat contacts and first-contact resolution (P12), on both databases: caught, linked, routed back, counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sameside.cases import queries
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.cases.repeats import figures, rules
from sameside.cases.repeats import service as repeats
from sameside.cases.rules import CaseStatus, EventType
from sameside.customers.models import Customer
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.staff.models import Staff
from tests.factories import SYSTEM, Factory


@pytest.fixture(autouse=True)
def by_words_alone() -> Iterator[None]:
    """Each test says whether meaning is compared; by default only words and identifiers are."""
    repeats.understand_with(None)
    yield
    repeats.understand_with(None)


def _at_desk(make: Factory, staff_id: int, when: datetime) -> None:
    with make.db.unit_of_work() as s:
        person = s.get(Staff, staff_id)
        assert person is not None
        person.seen_at = person.active_at = when


def _resolved(make: Factory, customer: Customer, owner: StaffActor, *, subject: str, body: str, team: object) -> int:
    number = make.case(customer, team=team, subject=subject, body=body).id  # type: ignore[arg-type]
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number, for_update=True)
        person = s.get(Staff, owner.staff_id)
        assert person is not None
        cases.assign(s, SYSTEM, case, person)
        cases.reply(s, owner, case, "Sorted: a new parcel left today.", send_now=True)
        cases.resolve(s, owner, case)
    return number


def _events(make: Factory, number: int) -> list[str]:
    with make.db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        return [e.event.value for e in queries.timeline(s, SYSTEM, case) if e.event is not None]


# ---------------------------------------------------------------- the rules, pure


def test_identifiers_are_order_and_product_numbers_spelled_one_way() -> None:
    assert rules.identifiers("Order A-12345 and ORD123456, ref #98765") == {"A12345", "ORD123456", "98765"}
    assert rules.identifiers("In 2024, on 3 March at 10:30, two parcels") == set()


def test_the_same_order_number_is_the_same_problem_whatever_the_words() -> None:
    earlier = rules.Problem(1, "Parcel missing", "My order A-12345 never came.")
    match = rules.same_problem(rules.Problem(2, "Hello", "Any news on a12345?"), [earlier])
    assert match is not None and match.earlier == 1 and match.shared[0] == "A12345"


def test_shared_words_make_a_repeat_but_a_shared_subject_alone_does_not() -> None:
    earlier = rules.Problem(1, "Problem with my order", "The kettle I bought leaks water from the bottom.")
    again = rules.Problem(2, "Still broken", "The replacement kettle leaks water again, from the bottom seam.")
    other = rules.Problem(3, "Problem with my order", "Can I change the delivery address to my office?")
    assert rules.same_problem(again, [earlier]) is not None
    assert rules.same_problem(other, [earlier]) is None


def test_a_resolution_is_judged_a_week_later() -> None:
    resolved = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
    assert rules.first_contact(None, None, resolved) is rules.FirstContact.OPEN
    assert rules.first_contact(resolved, None, resolved + timedelta(days=6)) is rules.FirstContact.PENDING
    assert rules.first_contact(resolved, None, resolved + timedelta(days=7)) is rules.FirstContact.YES
    assert rules.first_contact(resolved, resolved + timedelta(days=1), resolved + timedelta(days=9)) is (
        rules.FirstContact.NO
    )
    assert rules.breaks_first_contact(resolved, resolved + timedelta(days=6))
    assert not rules.breaks_first_contact(resolved, resolved + timedelta(days=8))


# ---------------------------------------------------------------- at intake


def test_a_repeat_is_linked_both_ways_and_goes_back_to_the_owner_at_the_desk(make: Factory) -> None:
    support, billing = make.team(), make.team()
    dana = make.staff(team=support)
    dana_actor = StaffActor(dana.id, Role.AGENT, support.id)
    customer = make.customer("lee@example.com", name="Lee Lo")
    first = _resolved(
        make, customer, dana_actor, subject="Parcel missing", body="Order A-12345 never arrived.", team=support
    )
    _at_desk(make, dana.id, clock.now())

    again = make.case(customer, team=billing, subject="Where is it?", body="Still nothing for a12345, a week on.")

    with make.db.unit_of_work(write=False) as s:
        repeat = repeats.repeat_of(s, again.id)
        assert repeat is not None and repeat.earlier_id == first and repeat.routed_to == dana.id
        assert "A12345" in repeat.shared
        new = s.get(Case, again.id)
        earlier = s.get(Case, first)
        assert new is not None and earlier is not None
        assert new.owner_id == dana.id and new.team_id == support.id  # back to who solved it, in her team
        assert earlier.came_back_at is not None
        assert figures.of_case(earlier, clock.now() + timedelta(days=30)) is rules.FirstContact.NO
    assert EventType.REPEAT_CONTACT_LINKED.value in _events(make, again.id)
    assert EventType.REPEAT_CONTACT_LINKED.value in _events(make, first)


def test_an_owner_away_from_the_desk_is_not_given_it_but_the_link_stays(make: Factory) -> None:
    team = make.team()
    dana = make.staff(team=team)
    customer = make.customer("kim@example.com")
    first = _resolved(
        make,
        customer,
        StaffActor(dana.id, Role.AGENT, team.id),
        subject="Kettle leaks",
        body="The kettle I bought leaks water from the bottom.",
        team=team,
    )
    _at_desk(make, dana.id, clock.now() - timedelta(hours=2))
    again = make.case(customer, team=team, subject="Again", body="The new kettle leaks water from the bottom too.")
    with make.db.unit_of_work(write=False) as s:
        repeat = repeats.repeat_of(s, again.id)
        assert repeat is not None and repeat.earlier_id == first and repeat.routed_to is None
        new = s.get(Case, again.id)
        assert new is not None and new.owner_id != dana.id


def test_nothing_is_a_repeat_after_a_week_or_about_another_problem(make: Factory) -> None:
    team = make.team()
    dana = make.staff(team=team)
    actor = StaffActor(dana.id, Role.AGENT, team.id)
    customer = make.customer("max@example.com")
    long_ago = clock.now() - timedelta(days=8)
    with clock.frozen(long_ago):
        _resolved(make, customer, actor, subject="Parcel", body="Order A-12345 never arrived.", team=team)
    _resolved(make, customer, actor, subject="Kettle", body="The kettle leaks water from the bottom.", team=team)
    later = make.case(customer, team=team, subject="Parcel", body="Order A-12345 is late again, never arrived.")
    other = make.case(customer, team=team, subject="Invoice", body="Please send the invoice to my office address.")
    with make.db.unit_of_work(write=False) as s:
        assert repeats.repeat_of(s, later.id) is None
        assert repeats.repeat_of(s, other.id) is None


def test_the_same_problem_in_other_words_is_caught_by_meaning(make: Factory) -> None:
    from sameside import wiring

    repeats.understand_with(wiring.alike_in_meaning)
    team = make.team()
    dana = make.staff(team=team)
    customer = make.customer("ana@example.com")
    first = _resolved(
        make,
        customer,
        StaffActor(dana.id, Role.AGENT, team.id),
        subject="Card",
        body="My new card still has not arrived.",
        team=team,
    )
    again = make.case(customer, team=team, subject="Hi", body="I am still waiting for the card you sent me.")
    unrelated = make.case(customer, team=team, subject="Rates", body="What exchange rate do you use for dollars?")
    with make.db.unit_of_work(write=False) as s:
        repeat = repeats.repeat_of(s, again.id)
        assert repeat is not None and repeat.earlier_id == first
        assert repeats.repeat_of(s, unrelated.id) is None


def test_writing_again_within_the_week_undoes_first_contact_resolution(make: Factory) -> None:
    team = make.team()
    dana = make.staff(team=team)
    actor = StaffActor(dana.id, Role.AGENT, team.id)
    customer = make.customer("jo@example.com")
    kept = _resolved(make, customer, actor, subject="Login", body="I cannot sign in to my account.", team=team)
    back = _resolved(make, customer, actor, subject="Refund", body="Where is the refund for my return?", team=team)
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, back, for_update=True)
        cases.receive_message(s, CustomerActor(customer.id, None), case, "It has not come yet.")
        case = case_for(s, SYSTEM, back, for_update=True)
        cases.resolve(s, actor, case)
    later = clock.now() + timedelta(days=8)
    with make.db.unit_of_work(write=False) as s:
        week = figures.first_contact(s, since=clock.now() - timedelta(days=1), until=later, now=later, team_id=team.id)
        assert (week.resolved, week.first_time, week.came_back, week.reopened) == (2, 1, 1, 1)
        assert week.rate == 0.5
        mine = figures.by_owner(s, since=clock.now() - timedelta(days=1), until=later, now=later, team_id=team.id)
        assert mine[dana.id].resolved == 2
        too_soon = figures.first_contact(s, since=clock.now() - timedelta(days=1), until=later, now=clock.now())
        assert too_soon.pending == 1 and too_soon.rate == 0.0
        case = s.get(Case, kept)
        assert case is not None and case.status is CaseStatus.RESOLVED


def test_a_customers_recent_problems_are_judged_alike_whether_their_vectors_were_kept_or_not() -> None:
    from sameside import wiring

    earlier = ["My new card still has not arrived.", "What exchange rate do you use for dollars?"]
    wiring._problem_vectors.clear()
    cold = wiring.alike_in_meaning("I am still waiting for the card you sent me.", earlier)
    assert set(earlier) <= wiring._problem_vectors.keys()  # kept for the customer's next contact
    kept = wiring.alike_in_meaning("I am still waiting for the card you sent me.", earlier)
    assert kept == pytest.approx(cold, abs=1e-6)
    assert kept[0] > repeats.MEANING_THRESHOLD > kept[1]
