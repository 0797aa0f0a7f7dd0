"""Writing and reading events on the real database: one writer, typed payloads, rows as they always were."""

from __future__ import annotations

from sqlalchemy import select

from sameside.cases import events, queries, service, timeline
from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import CaseStatus, EventType, HandoffBrief
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.staff.models import Staff, Team
from tests.factories import Factory

SYSTEM = SystemActor("tests")


def test_add_event_derives_the_event_and_its_visibility_from_the_payload(db: Database, make: Factory) -> None:
    customer = make.customer()
    number = make.case(customer).id
    agent = make.staff(password=None)
    asker = events.Asker(kind="customer", id=customer.id, name="Casey Customer")
    with db.unit_of_work() as s:
        at = clock.now()
        booked = timeline.add_event(
            s, number, CustomerActor(customer.id), events.CallbackBooked(starts_at=at, phone="+1555"), at=at
        )
        moved = timeline.add_event(
            s,
            number,
            StaffActor(agent.id, Role.AGENT),
            events.StatusChanged(from_=CaseStatus.NEW, to=CaseStatus.OPEN),
            at=at,
        )
        routed = timeline.add_event(s, number, SystemActor("routing"), events.Assigned(owner_id=agent.id), at=at)
        found = timeline.add_event(
            s,
            number,
            SystemActor("intake"),
            events.EscalationRequested(
                source="their message",
                asked_by=asker,
                reason="Put me through to your boss.",
                words="your boss",
                open_minutes=0,
                waiting_minutes=0,
                first_human_reply_at=None,
                owner_id=None,
                team_id=None,
                supervisor_ids=(),
                told=(),
                brief=None,
            ),
            at=at,
            customer_id=customer.id,
        )
        s.flush()
        ids = [booked.id, moved.id, routed.id, found.id]

    with db.unit_of_work(write=False) as s:
        rows = [s.get(TimelineEntry, i) for i in ids]
        booked_row, moved_row, routed_row, found_row = rows
        assert booked_row and booked_row.event is EventType.CALLBACK_BOOKED and booked_row.is_public
        assert booked_row.author_customer_id == customer.id
        assert moved_row and moved_row.data == {"from": "new", "to": "open"} and moved_row.author_staff_id == agent.id
        # The software names itself beside the payload: `by`, or `by_system` where the payload has its own `by`.
        assert routed_row and routed_row.data == {"owner_id": agent.id, "by": "routing"} and not routed_row.is_public
        assert events.system_author(routed_row) == "routing"
        assert found_row and found_row.data is not None and found_row.data["by_system"] == "intake"
        assert found_row.data["by"] == {"kind": "customer", "id": customer.id, "name": "Casey Customer"}
        assert found_row.author_customer_id == customer.id and events.system_author(found_row) == "intake"
        assert [type(events.payload_of(r)) for r in rows] == [
            events.CallbackBooked,
            events.StatusChanged,
            events.Assigned,
            events.EscalationRequested,
        ]


def test_every_entry_the_verbs_write_reads_back_typed(db: Database, make: Factory) -> None:
    team, other = make.team(), make.team()
    agent = make.staff(team=team, password=None)
    number = make.case(team=team, tags=["billing"]).id
    with db.unit_of_work() as s:
        actor = StaffActor(agent.id, Role.AGENT, team.id)
        case = case_for(s, SYSTEM, number)
        service.assign(s, actor, case, s.get(Staff, agent.id))
        service.reply(s, actor, case, "We are on it.", status=CaseStatus.WAITING_ON_CUSTOMER)
        service.update_details(s, actor, case, tags=["refund"])
        service.transfer(
            s,
            actor,
            case,
            brief=HandoffBrief("Charged twice", "Checked the log", "A refund by Friday", "Cross"),
            team=s.get(Team, other.id),
        )

    with db.unit_of_work(write=False) as s:
        case = case_for(s, SYSTEM, number)
        entries = queries.timeline(s, SYSTEM, case)
        typed = [events.payload_of(e) for e in entries if e.event is not None]
        assert all(p is not None for p in typed)
        assert [p.kind for p in typed if p] == [
            EventType.CREATED,
            EventType.ASSIGNED,
            EventType.STATUS_CHANGED,
            EventType.TAGGED,
            EventType.TRANSFERRED,
        ]
        created = typed[0]
        assert isinstance(created, events.Created) and created.channel is Channel.EMAIL
        assert events.system_author(entries[1]) == "tests"
        brief = queries.latest_brief(s, case)
        assert brief is not None and brief.problem == "Charged twice" and brief.by == agent.id
        assert brief.at == next(e.created_at for e in entries if e.event is EventType.TRANSFERRED)
        transferred = s.scalar(select(TimelineEntry).where(TimelineEntry.event == EventType.TRANSFERRED))
        assert transferred is not None and transferred.data is not None
        assert transferred.data["from"] == {"team_id": team.id, "owner_id": agent.id}
        assert transferred.data["to"] == {"team_id": other.id, "owner_id": None}
