"""Case lists over ~120 cases: keyset paging, filters, who sees what, and a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from sameside.cases import queries, service
from sameside.cases.queries import CaseFilter
from sameside.cases.rules import CaseScope, CaseStatus, may_view
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.rules import Channel, IdentityKind
from sameside.db.base import Base
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.cursor import BadCursor
from sameside.kit.errors import Invalid
from sameside.staff import service as staff_service
from sameside.staff.models import Staff

SYSTEM = SystemActor("tests")
N = 120
BASE = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
STATUSES = list(CaseStatus)
EVERYTHING = CaseFilter()
CUSTOMERS = {
    "c1": "acme.example",
    "c2": "acme.example",
    "c3": "home.example",
    "c4": "globex.example",
    "c5": "mail.example",
}
ORG_OF = {"c1": "acme", "c2": "acme", "c3": None, "c4": "globex", "c5": None}  # by email domain


@dataclass(frozen=True)
class Row:
    """What the test knows about a case it created, independently of the code under test."""

    id: int
    team: str | None
    owner: str | None
    customer: str
    org: str | None
    shared: bool
    status: CaseStatus
    tags: frozenset[str]
    updated_at: datetime


@dataclass
class World:
    db: Database
    rows: list[Row]
    ids: dict[str, int]  # names of teams, staff, customers and organizations -> ids
    actors: dict[str, Actor]

    def expected(self, keep: Callable[[Row], bool]) -> set[int]:
        return {r.id for r in self.rows if keep(r)}


def _empty(database: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as conn:
        if database.is_sqlite:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="module")
def world(database: Database) -> Iterator[World]:
    """120 cases across two teams (beta restricted) and none, three owners and none, five customers in two orgs.

    Built once per backend for this module (reads only below), emptied afterwards.
    """
    _empty(database)
    ids: dict[str, int] = {}
    rows: list[Row] = []
    with database.unit_of_work() as s:
        teams = {name: staff_service.create_team(s, SYSTEM, slug=f"q-{name}", name=name) for name in ("alpha", "beta")}
        teams["beta"].restricted = True  # a sensitive team: not everyone reads its cases
        staff: dict[str, Staff] = {}
        for name, role, team in [
            ("ann", Role.AGENT, "alpha"),
            ("ben", Role.AGENT, "beta"),
            ("cat", Role.AGENT, None),
            ("sue", Role.SUPERVISOR, "alpha"),
        ]:
            staff[name] = staff_service.add_staff(
                s,
                SYSTEM,
                email=f"{name}@desk.example",
                name=name,
                role=role,
                team_id=teams[team].id if team else None,
            )
        orgs = {
            name: customers.create_organization(s, SYSTEM, name=name, domain=f"{name}.example")
            for name in ("acme", "globex")
        }
        people: dict[str, Customer] = {}
        for name, domain in CUSTOMERS.items():
            people[name], _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value=f"{name}@{domain}")
            org = ORG_OF[name]
            assert people[name].organization_id == (orgs[org].id if org else None)

        for i in range(N):
            team = ["alpha", "beta", None][i % 3]
            owner = {0: "ann", 1: "ben", 2: "cat"}.get(i % 5)
            customer = f"c{i % 5 + 1}" if i % 2 == 0 else f"c{(i // 2) % 5 + 1}"
            shared = (i // 3) % 2 == 0
            status = STATUSES[i % 6]
            tags = {t for t, every in (("billing", 4), ("vip", 7)) if i % every == 0}
            with clock.frozen(BASE + timedelta(minutes=i)):
                case = service.open_case(
                    s,
                    SYSTEM,
                    customer=people[customer],
                    subject=f"Case {i}",
                    body="Hello",
                    channel=Channel.EMAIL,
                    team=teams[team] if team else None,
                    tags=sorted(tags),
                    shared_with_organization=shared,
                )
                if owner:
                    service.assign(s, SYSTEM, case, staff[owner])
                if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
                    service.resolve(s, SYSTEM, case)
                if status not in (CaseStatus.NEW, CaseStatus.RESOLVED):
                    service.change_status(s, SYSTEM, case, status)
            # Many cases share an updated_at, so paging must break ties by id.
            case.updated_at = BASE + timedelta(days=1, minutes=(i * 37) % 11)
            s.flush()
            rows.append(
                Row(case.id, team, owner, customer, ORG_OF[customer], shared, status, frozenset(tags), case.updated_at)
            )

        ids.update({n: t.id for n, t in teams.items()})
        ids.update({n: p.id for n, p in staff.items()})
        ids.update({n: c.id for n, c in people.items()})
        ids.update({n: o.id for n, o in orgs.items()})
        actors: dict[str, Actor] = {name: StaffActor(p.id, p.role, p.team_id) for name, p in staff.items()}
        actors.update({name: CustomerActor(c.id, c.organization_id) for name, c in people.items()})
        actors["admin"] = StaffActor(10**6, Role.ADMIN, None)
        actors["system"] = SYSTEM
    yield World(database, rows, ids, actors)
    _empty(database)


def walk(
    world: World, actor: Actor, filters: CaseFilter = EVERYTHING, *, sort: str = "-created", limit: int = 7
) -> list[int]:
    """Every case id the list gives, following next_cursor to the end."""
    seen: list[int] = []
    cursor = None
    for _ in range(N + 2):
        with world.db.unit_of_work(write=False) as s:
            page = queries.list_cases(s, actor, filters, sort=sort, limit=limit, cursor=cursor)
            seen.extend(c.id for c in page.items)
            assert len(page.items) <= limit
        if page.next_cursor is None:
            return seen
        assert page.items, "a page with a cursor to more must not be empty"
        cursor = page.next_cursor
    raise AssertionError("paging never ended")


def ordered(rows: list[Row], sort: str) -> list[int]:
    if sort.endswith("created"):
        key: Callable[[Row], Any] = lambda r: r.id  # noqa: E731
    else:
        key = lambda r: (r.updated_at, r.id)  # noqa: E731
    return [r.id for r in sorted(rows, key=key, reverse=sort.startswith("-"))]


def visible_to(name: str) -> Callable[[Row], bool]:
    """The documented visibility rule, written out over the test's own record of each case."""
    if name in ("sue", "admin", "system"):
        return lambda r: True
    if name in ("ann", "ben", "cat"):
        # Staff read every case but a restricted team's (beta), which its people and its cases' owners read.
        team = {"ann": "alpha", "ben": "beta", "cat": None}[name]
        return lambda r: r.team != "beta" or r.owner == name or team == "beta"
    org = ORG_OF[name]
    return lambda r: r.customer == name or (r.shared and org is not None and r.org == org)


def test_the_world_is_as_designed(world: World) -> None:
    assert len(world.rows) == N
    # Enough of every kind that each filter below is meaningful.
    assert len({r.status for r in world.rows}) == 6
    assert {r.team for r in world.rows} == {"alpha", "beta", None}
    assert {r.owner for r in world.rows} == {"ann", "ben", "cat", None}
    assert len({r.updated_at for r in world.rows}) == 11  # ties on every updated_at
    assert any(r.owner == "ann" and r.team == "beta" for r in world.rows)
    assert any(r.shared and r.customer == "c2" for r in world.rows)


@pytest.mark.parametrize("sort", queries.SORTS)
@pytest.mark.parametrize("who", ["sue", "ann", "c1"])
def test_walking_every_page_yields_each_visible_case_once_in_order(world: World, who: str, sort: str) -> None:
    mine = [r for r in world.rows if visible_to(who)(r)]
    assert mine  # every actor here has something to see
    seen = walk(world, world.actors[who], sort=sort, limit=7)
    assert len(seen) == len(set(seen)), "a case appeared on two pages"
    assert seen == ordered(mine, sort)


@pytest.mark.parametrize("sort", ["-created", "updated"])
def test_the_last_page_says_so_even_when_it_is_exactly_full(world: World, sort: str) -> None:
    with world.db.unit_of_work(write=False) as s:
        full = queries.list_cases(s, world.actors["sue"], EVERYTHING, sort=sort, limit=N)
        assert len(full.items) == N
        assert full.next_cursor is None
        short = queries.list_cases(s, world.actors["sue"], EVERYTHING, sort=sort, limit=N - 1)
        assert short.next_cursor is not None
        rest = queries.list_cases(s, world.actors["sue"], EVERYTHING, sort=sort, limit=N, cursor=short.next_cursor)
        assert len(rest.items) == 1
        assert rest.next_cursor is None


FILTERS: dict[str, tuple[Callable[[World], CaseFilter], Callable[[World], Callable[[Row], bool]]]] = {
    "one status": (
        lambda w: CaseFilter(statuses=(CaseStatus.CLOSED,)),
        lambda w: lambda r: r.status is CaseStatus.CLOSED,
    ),
    "several statuses": (
        lambda w: CaseFilter(statuses=(CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.NEW)),
        lambda w: lambda r: r.status in (CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.NEW),
    ),
    "team": (lambda w: CaseFilter(team_id=w.ids["beta"]), lambda w: lambda r: r.team == "beta"),
    "owner": (lambda w: CaseFilter(owner_id=w.ids["ann"]), lambda w: lambda r: r.owner == "ann"),
    "unowned": (lambda w: CaseFilter(unowned=True), lambda w: lambda r: r.owner is None),
    "customer": (lambda w: CaseFilter(customer_id=w.ids["c3"]), lambda w: lambda r: r.customer == "c3"),
    "tag": (lambda w: CaseFilter(tag="vip"), lambda w: lambda r: "vip" in r.tags),
    "tag as typed": (lambda w: CaseFilter(tag=" Billing "), lambda w: lambda r: "billing" in r.tags),
    "unknown tag": (lambda w: CaseFilter(tag="nothing-has-this"), lambda w: lambda r: False),
    "team, unowned and status together": (
        lambda w: CaseFilter(team_id=w.ids["alpha"], unowned=True, statuses=(CaseStatus.NEW, CaseStatus.OPEN)),
        lambda w: lambda r: r.team == "alpha" and r.owner is None and r.status in (CaseStatus.NEW, CaseStatus.OPEN),
    ),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_filter_returns_exactly_the_matching_cases(world: World, name: str) -> None:
    make_filter, predicate = FILTERS[name]
    expected = world.expected(predicate(world))
    if name != "unknown tag":
        assert 0 < len(expected) < N, "the filter must select some, not all"
    seen = walk(world, world.actors["sue"], make_filter(world), limit=200)
    assert len(seen) == len(set(seen))
    assert set(seen) == expected


@pytest.mark.parametrize("who", ["ann", "ben", "cat", "c1", "c2", "c3", "c4", "c5"])
def test_each_actor_sees_exactly_the_cases_the_rules_allow(world: World, who: str) -> None:
    expected = world.expected(visible_to(who))
    assert 0 < len(expected) <= N if who == "ben" else 0 < len(expected) < N  # beta's own agent reads them all
    assert set(walk(world, world.actors[who], limit=200)) == expected


@pytest.mark.parametrize("who", ["ann", "cat", "sue", "c1", "c4", "c5"])
def test_the_sql_scope_agrees_with_the_rule_used_for_a_single_case(world: World, who: str) -> None:
    """`list_cases` and `may_view` answer the same question in two places; they must agree."""
    actor = world.actors[who]
    org_id = {name: world.ids[org] if org else None for name, org in ORG_OF.items()}
    allowed = {
        r.id
        for r in world.rows
        if may_view(
            actor,
            CaseScope(
                team_id=world.ids[r.team] if r.team else None,
                owner_id=world.ids[r.owner] if r.owner else None,
                customer_id=world.ids[r.customer],
                organization_id=org_id[r.customer],
                shared_with_organization=r.shared,
                restricted=r.team == "beta",
            ),
        )
    }
    assert set(walk(world, actor, limit=200)) == allowed


def test_an_agent_filtering_by_a_restricted_team_sees_only_what_they_own_there(world: World) -> None:
    ann = world.actors["ann"]
    seen = walk(world, ann, CaseFilter(team_id=world.ids["beta"]), limit=200)
    assert set(seen) == world.expected(lambda r: r.team == "beta" and r.owner == "ann")
    assert seen


def test_an_agent_filtering_by_a_colleagues_cases_sees_only_those_visible_to_them(world: World) -> None:
    ann = world.actors["ann"]
    seen = walk(world, ann, CaseFilter(owner_id=world.ids["ben"]), limit=200)
    assert set(seen) == world.expected(lambda r: r.owner == "ben" and r.team in ("alpha", None))
    assert seen


def test_an_agent_reads_another_teams_cases_when_that_team_is_not_restricted(world: World) -> None:
    seen = walk(world, world.actors["ben"], CaseFilter(team_id=world.ids["alpha"]), limit=200)
    assert set(seen) == world.expected(lambda r: r.team == "alpha")


def test_filtering_by_their_own_cases_shows_an_agent_all_of_them(world: World) -> None:
    seen = walk(world, world.actors["ann"], CaseFilter(owner_id=world.ids["ann"]), limit=200)
    assert set(seen) == world.expected(lambda r: r.owner == "ann")


def test_a_customer_filtering_by_another_customer_sees_only_what_is_shared_with_them(world: World) -> None:
    seen = walk(world, world.actors["c1"], CaseFilter(customer_id=world.ids["c2"]), limit=200)
    assert set(seen) == world.expected(lambda r: r.customer == "c2" and r.shared)
    assert seen
    assert walk(world, world.actors["c1"], CaseFilter(customer_id=world.ids["c3"]), limit=200) == []


def test_paging_under_a_filter_visits_every_match_once(world: World) -> None:
    filters = CaseFilter(statuses=(CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED))
    expected = world.expected(lambda r: r.status in filters.statuses)
    for sort in queries.SORTS:
        seen = walk(world, world.actors["ann"], filters, sort=sort, limit=3)
        assert len(seen) == len(set(seen))
        assert set(seen) == expected & world.expected(visible_to("ann"))


@pytest.mark.parametrize(("sort", "limit"), [("newest", 10), ("-id", 10), ("-created", 0), ("-created", 201)])
def test_unknown_sorts_and_limits_out_of_range_are_refused(world: World, sort: str, limit: int) -> None:
    with pytest.raises(Invalid), world.db.unit_of_work(write=False) as s:
        queries.list_cases(s, world.actors["sue"], EVERYTHING, sort=sort, limit=limit)


def test_a_cursor_from_one_sort_is_refused_by_another(world: World) -> None:
    with world.db.unit_of_work(write=False) as s:
        by_id = queries.list_cases(s, world.actors["sue"], EVERYTHING, sort="-created", limit=5).next_cursor
        by_updated = queries.list_cases(s, world.actors["sue"], EVERYTHING, sort="-updated", limit=5).next_cursor
    for sort, cursor in (("-updated", by_id), ("created", by_updated)):
        with pytest.raises(BadCursor), world.db.unit_of_work(write=False) as s:
            queries.list_cases(s, world.actors["sue"], EVERYTHING, sort=sort, cursor=cursor)


def _statements(world: World, actor: Actor, limit: int, filters: CaseFilter = EVERYTHING) -> int:
    count = 0

    def counter(*_: object) -> None:
        nonlocal count
        count += 1

    event.listen(world.db.engine, "before_cursor_execute", counter)
    try:
        with world.db.unit_of_work(write=False) as s:
            page = queries.list_cases(s, actor, filters, limit=limit)
            # What a presenter reads from each case: all loaded, no lazy loads (they would raise).
            for case in page.items:
                _ = (case.customer.name, case.owner and case.owner.name, case.team and case.team.name, case.tag_names)
            assert len(page.items) == limit
    finally:
        event.remove(world.db.engine, "before_cursor_execute", counter)
    return count


@pytest.mark.parametrize("who", ["sue", "ann", "c1"])
def test_a_page_of_50_costs_as_many_statements_as_a_page_of_5(world: World, who: str) -> None:
    actor = world.actors[who]
    small = _statements(world, actor, 5)
    large = _statements(world, actor, 50 if who != "c1" else 20)
    assert small == large
    assert large <= 3  # the cases with their customer, owner and team; their tags (SQLite adds a BEGIN)
    tagged = CaseFilter(tag="billing")
    assert _statements(world, actor, 2, tagged) == _statements(world, actor, 4 if who == "c1" else 10, tagged)
