"""Search on both backends: what it finds, what it leaves out, and that the index keeps up in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.cases.queries import visible_to
from sameside.cases.rules import CaseStatus
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.rules import IdentityKind
from sameside.db import search_index
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.kit.errors import Forbidden
from sameside.search import queries, rules
from sameside.search.rules import SearchFilter
from sameside.staff import service as staff_service
from tests.factories import SYSTEM, Factory


def _find(db: Database, actor: StaffActor, q: str, filters: SearchFilter = rules.NO_FILTER, **kw: object) -> list[int]:
    with db.unit_of_work(write=False) as s:
        found = queries.search(s, actor, rules.parse(q), filters, **kw)  # type: ignore[arg-type]
        return [hit.case.id for hit in found.hits]


def _boss() -> StaffActor:
    return StaffActor(1, Role.SUPERVISOR, None)


def test_numbers_subjects_bodies_names_addresses_phones_and_order_numbers_are_found(make: Factory) -> None:
    ana = make.customer("ana.lima@example.com", name="Ana Lima")
    with make.db.unit_of_work() as s:
        bob, _ = customers.find_or_create(s, kind=IdentityKind.PHONE, value="+44 20 7946 0958", name="Bob Stone")
    first = make.case(ana, subject="Parcel never arrived", body="Order A-10023 was due Monday.").id
    second = make.case(bob, subject="Charged twice", body="Invoice ORD123456 shows two payments.").id
    boss = _boss()

    assert _find(make.db, boss, f"#{first}") == [first]
    assert _find(make.db, boss, "parcel") == [first]
    assert _find(make.db, boss, "A-10023") == [first]
    assert _find(make.db, boss, "a-10023 monday") == [first]
    assert _find(make.db, boss, "ORD123456") == [second]
    assert _find(make.db, boss, "ana.lima@example.com") == [first]
    assert _find(make.db, boss, "lima") == [first]
    assert _find(make.db, boss, "+44 20 7946 0958") == [second]
    assert _find(make.db, boss, "442079460958") == [second]
    assert _find(make.db, boss, "payments") == [second]
    assert _find(make.db, boss, "payment") == [second]  # stemmed on both backends
    assert _find(make.db, boss, "A-10024") == []
    assert _find(make.db, boss, "10023 ORD123456") == []  # every term, in one case


def test_replies_and_notes_are_indexed_in_the_same_transaction_as_they_are_written(make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team)
    actor = StaffActor(agent.id, Role.AGENT, team.id)
    number = make.case(team=team, subject="Login trouble").id
    with pytest.raises(RuntimeError), make.db.unit_of_work() as s:
        case = case_for(s, actor, number, for_update=True)
        cases.add_note(s, actor, case, "rolled back: zanzibar")
        raise RuntimeError("the transaction fails")
    assert _find(make.db, actor, "zanzibar") == []
    with make.db.unit_of_work() as s:
        case = case_for(s, actor, number, for_update=True)
        cases.add_note(s, actor, case, "Checked the SSO logs: token expired.")
        cases.reply(s, actor, case, "Please sign in again, the kraken is fixed.", send_now=True)
        assert [h.case.id for h in queries.search(s, actor, rules.parse("kraken")).hits] == [number]
    assert _find(make.db, actor, "SSO") == [number]
    assert _find(make.db, actor, "kraken") == [number]
    with make.db.unit_of_work() as s:
        case = s.get(Case, number)
        assert case is not None
        customer = s.get(Customer, case.customer_id)
        assert customer is not None
        customer.name = "Zoe Quartermaine"
    assert _find(make.db, actor, "quartermaine") == [number]


def test_results_are_only_what_the_searcher_may_read_and_the_total_counts_after_that(make: Factory) -> None:
    """Whatever the visibility policy says (`cases.queries.visible_to`), search says the same."""
    mine, other = make.team(), make.team()
    agent = make.staff(team=mine)
    actor = StaffActor(agent.id, Role.AGENT, mine.id)
    ours = {make.case(team=mine, subject=f"Refund {n}").id for n in range(3)}
    make.case(team=other, subject="Refund elsewhere")
    with make.db.unit_of_work(write=False) as s:
        allowed = set(s.scalars(select(Case.id).where(visible_to(actor))))
        found = queries.search(s, actor, rules.parse("refund"))
        assert {h.case.id for h in found.hits} == allowed
        assert found.total == len(allowed) and found.total_is_exact
        everyone = queries.search(s, _boss(), rules.parse("refund"))
        assert everyone.total == 4
    assert ours <= allowed


def test_filters_and_pages(make: Factory) -> None:
    team, other = make.team(), make.team()
    agent = make.staff(team=team)
    numbers = [make.case(team=team, subject=f"Broken screen {n}").id for n in range(5)]
    make.case(team=other, subject="Broken screen elsewhere")
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, numbers[0], for_update=True)
        cases.change_status(s, SYSTEM, case, CaseStatus.OPEN)
    boss = _boss()
    assert _find(make.db, boss, "broken", SearchFilter(team_id=team.id)) == numbers[::-1]
    assert _find(make.db, boss, "broken", SearchFilter(team_id=team.id, statuses=(CaseStatus.OPEN,))) == [numbers[0]]
    assert _find(make.db, boss, "broken", SearchFilter(owner_id=agent.id)) == []
    assert len(_find(make.db, boss, "broken", SearchFilter(unowned=True))) == 6
    later = clock.now() + timedelta(days=1)
    assert _find(make.db, boss, "broken", SearchFilter(created_from=later)) == []
    assert len(_find(make.db, boss, "broken", SearchFilter(created_before=later))) == 6

    with make.db.unit_of_work(write=False) as s:
        first = queries.search(s, boss, rules.parse("screen"), SearchFilter(team_id=team.id), limit=2)
        assert first.total == 5 and first.next_cursor is not None
        second = queries.search(
            s, boss, rules.parse("screen"), SearchFilter(team_id=team.id), limit=2, cursor=first.next_cursor
        )
        assert [h.case.id for h in [*first.hits, *second.hits]] == numbers[::-1][:4]


def test_many_matches_page_newest_first_through_every_case_the_searcher_may_read(
    make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the counted total, pages still hold exactly the visible cases, newest first, none twice.

    The limits are made small so that a few cases take the many-matches road
    on PostgreSQL (a window of candidates, then visibility), and a restricted
    team's cases and a status filter make that window too short at times.
    """
    monkeypatch.setattr(queries, "TOTAL_LIMIT", 3)
    monkeypatch.setattr(queries, "CANDIDATES", 1)
    mine, hidden = make.team(), make.team()
    with make.db.unit_of_work() as s:
        staff_service.update_team(s, SYSTEM, s.merge(hidden), restricted=True)
    agent = make.staff(team=mine)
    actor = StaffActor(agent.id, Role.AGENT, mine.id)
    numbers = []
    for n in range(14):
        case = make.case(team=hidden if n % 3 else mine, subject=f"Parcel lost {n}")
        numbers.append(case.id)
        if n % 2:
            with make.db.unit_of_work() as s:
                cases.change_status(s, SYSTEM, case_for(s, SYSTEM, case.id, for_update=True), CaseStatus.OPEN)
    with make.db.unit_of_work(write=False) as s:
        readable = set(s.scalars(select(Case.id).where(visible_to(actor))))
    for filters, wanted in (
        (rules.NO_FILTER, [n for n in numbers if n in readable]),
        (SearchFilter(statuses=(CaseStatus.OPEN,)), [n for i, n in enumerate(numbers) if i % 2 and n in readable]),
    ):
        seen: list[int] = []
        cursor = None
        with make.db.unit_of_work(write=False) as s:
            for _ in range(20):
                page = queries.search(s, actor, rules.parse("parcel lost"), filters, limit=2, cursor=cursor)
                seen += [h.case.id for h in page.hits]
                cursor = page.next_cursor
                if cursor is None:
                    break
        assert seen == sorted(wanted, reverse=True)


def test_the_snippet_is_escaped_and_marks_the_hit(make: Factory) -> None:
    number = make.case(subject="Strange <script> in my invoice", body="The total shows <b>€0</b> for order A-10023.").id
    with make.db.unit_of_work(write=False) as s:
        (hit,) = queries.search(s, _boss(), rules.parse("a-10023 script")).hits
        assert hit.case.id == number
    assert hit.subject == "Strange &lt;<mark>script</mark>&gt; in my invoice"
    assert hit.snippet == "The total shows &lt;b&gt;€0&lt;/b&gt; for order <mark>A-10023</mark>."


def test_customers_cannot_search(make: Factory) -> None:
    customer = make.customer()
    with make.db.unit_of_work(write=False) as s, pytest.raises(Forbidden):
        queries.search(s, CustomerActor(customer.id, None), rules.parse("anything"))


def test_every_trigger_survives_the_migrations_after_the_one_that_made_it(db: Database) -> None:
    """SQLite drops a table's triggers when a later migration rebuilds the table; `ensure` puts them back."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars().all()
        else:
            names = conn.exec_driver_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").scalars().all()
    search = {n for n in names if n.startswith("search_")}
    assert len(search) == (13 if db.is_sqlite else 7), sorted(search)


def test_the_migration_fills_the_index_from_the_cases_already_there(make: Factory) -> None:
    """Revision 0015 on a desk with history: every case, message, note and address is found afterwards."""
    with make.db.engine.begin() as conn:
        search_index.drop(conn)
    try:
        ana = make.customer("ana.lima@example.com", name="Ana Lima")
        number = make.case(ana, subject="Parcel never arrived", body="Order A-10023 was due Monday.").id
        lead = make.staff(Role.SUPERVISOR)
        with make.db.unit_of_work() as s:
            boss = StaffActor(lead.id, Role.SUPERVISOR, None)
            cases.add_note(s, boss, case_for(s, boss, number, for_update=True), "Depot in Leeds has it.")
    finally:
        with make.db.engine.begin() as conn:
            search_index.create(conn)
    for q in ("A-10023", "leeds", "ana.lima@example.com", f"#{number}", "parcel monday"):
        assert _find(make.db, _boss(), q) == [number], q
    make.case(ana, subject="Parcel again", body="A second one.")
    assert len(_find(make.db, _boss(), "parcel")) == 2  # and the triggers work again
