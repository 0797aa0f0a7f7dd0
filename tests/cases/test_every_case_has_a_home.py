"""Every case has a home: each channel leads to a team, else the default team; "Needs a team" when none is
set, which supervisors see and "take next" serves; live chats go to people online with room."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import select

from sameside.cases import queries
from sameside.cases import service as cases
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.routing import chats, homes
from sameside.cases.rules import EntryKind
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.errors import Conflict, Forbidden, Invalid
from sameside.mail.blobs import BlobStore
from sameside.mailboxes.filing import Intake
from sameside.staff import presence
from sameside.staff.models import Presence, Staff, Team
from tests.factories import Factory, Person

SYSTEM = SystemActor("test")


def actor(person: Person, role: Role = Role.AGENT) -> StaffActor:
    return StaffActor(person.id, role, person.team_id)


def home(db: Database, channel: str, team: Team | None) -> None:
    with db.unit_of_work() as s:
        homes.set_home(s, SYSTEM, channel, s.get(Team, team.id) if team else None)


def team_of(db: Database, number: int) -> int | None:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        return case.team_id


def go_online(db: Database, person: Person, *, capacity: int | None = None) -> None:
    with db.unit_of_work() as s:
        presence.set_presence(s, actor(person), Presence.ONLINE)
        if capacity is not None:
            staff = s.get(Staff, person.id)
            assert staff is not None
            presence.set_capacity(s, SYSTEM, staff, capacity)


def test_with_no_team_set_a_portal_case_needs_a_team_and_supervisors_see_it(db: Database, make: Factory) -> None:
    supervisor = make.staff(Role.SUPERVISOR)
    agent = make.staff(Role.AGENT)
    number = make.case(channel=Channel.PORTAL, subject="Where is my refund?").id

    assert team_of(db, number) is None
    with db.unit_of_work(write=False) as s:
        assert [c.id for c in queries.needing_a_team(s, actor(supervisor, Role.SUPERVISOR))] == [number]
        assert queries.needing_a_team_count(s, actor(supervisor, Role.SUPERVISOR)) == 1
        assert queries.needing_a_team(s, actor(agent)) == []  # the view is a supervisor's
        assert queries.needing_a_team_count(s, actor(agent)) == 0


def test_the_default_team_takes_every_channel_and_a_channel_team_comes_first(db: Database, make: Factory) -> None:
    support, chat_team = make.team("support"), make.team("live")
    home(db, homes.DEFAULT, support)
    home(db, "chat", chat_team)

    portal = make.case(channel=Channel.PORTAL).id
    mail = make.case(channel=Channel.EMAIL).id
    chat = make.case(channel=Channel.CHAT).id
    billing = make.team("billing")
    addressed = make.case(channel=Channel.EMAIL, team=billing).id  # a team's own address wins

    assert team_of(db, portal) == support.id
    assert team_of(db, mail) == support.id
    assert team_of(db, chat) == chat_team.id
    assert team_of(db, addressed) == billing.id
    with db.unit_of_work(write=False) as s:
        assert set(homes.homes(s)) == {"default", "chat"}

    home(db, "chat", None)  # taken away: the default takes chats again
    assert team_of(db, make.case(channel=Channel.CHAT).id) == support.id


def test_only_an_admin_says_where_channels_lead(db: Database, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.SUPERVISOR, team=team)
    with db.unit_of_work() as s, pytest.raises(Forbidden):
        homes.set_home(s, actor(agent, Role.SUPERVISOR), homes.DEFAULT, s.get(Team, team.id))
    with db.unit_of_work() as s, pytest.raises(Invalid, match="not a channel"):
        homes.set_home(s, SYSTEM, "fax", s.get(Team, team.id))


def test_take_next_serves_the_team_first_then_cases_with_no_team_which_join_the_team(
    db: Database, make: Factory
) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team)
    homeless = make.case(channel=Channel.PORTAL, subject="No home").id
    own = make.case(team=team, subject="In the team").id

    with db.unit_of_work() as s:
        first = cases.take_next(s, actor(agent), tier_cap_minutes=60)
        assert first is not None and first.id == own
    with db.unit_of_work() as s:
        second = cases.take_next(s, actor(agent), tier_cap_minutes=60)
        assert second is not None and second.id == homeless
    assert team_of(db, homeless) == team.id  # taken, it has a home
    with db.unit_of_work() as s:
        assert cases.take_next(s, actor(agent), tier_cap_minutes=60) is None


def test_someone_in_no_team_is_served_cases_with_no_team_and_refused_when_there_are_none(
    db: Database, make: Factory
) -> None:
    supervisor = make.staff(Role.SUPERVISOR)
    number = make.case(channel=Channel.PORTAL).id
    with db.unit_of_work() as s:
        taken = cases.take_next(s, actor(supervisor, Role.SUPERVISOR), tier_cap_minutes=60)
        assert taken is not None and taken.id == number and taken.owner_id == supervisor.id
    with db.unit_of_work() as s, pytest.raises(Invalid, match="not in a team"):
        cases.take_next(s, actor(supervisor, Role.SUPERVISOR), tier_cap_minutes=60)


# ---------------------------------------------------------------- presence


def test_presence_is_what_someone_says_made_less_by_idleness() -> None:
    now = clock.now()
    recent = now - timedelta(seconds=30)
    assert presence.effective(Presence.ONLINE, seen_at=recent, active_at=recent, now=now) is Presence.ONLINE
    idle = now - presence.AWAY_AFTER
    assert presence.effective(Presence.ONLINE, seen_at=recent, active_at=idle, now=now) is Presence.AWAY
    gone = now - presence.OFFLINE_AFTER
    assert presence.effective(Presence.ONLINE, seen_at=gone, active_at=recent, now=now) is Presence.OFFLINE
    assert presence.effective(Presence.AWAY, seen_at=recent, active_at=recent, now=now) is Presence.AWAY
    assert presence.effective(Presence.OFFLINE, seen_at=recent, active_at=recent, now=now) is Presence.OFFLINE
    assert presence.effective(Presence.ONLINE, seen_at=None, active_at=None, now=now) is Presence.OFFLINE


def test_beats_keep_someone_online_and_silence_makes_them_away_then_offline(db: Database, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team)
    start = clock.now()
    with clock.frozen(start):
        go_online(db, agent)
    with clock.frozen(start + timedelta(minutes=2)), db.unit_of_work() as s:
        presence.beat(s, actor(agent), active=False)
        assert [p.id for p in presence.online_in(s, team.id)] == [agent.id]
    with clock.frozen(start + timedelta(minutes=11)), db.unit_of_work() as s:
        presence.beat(s, actor(agent), active=False)  # the page is open, nobody touches it
        staff = s.get(Staff, agent.id)
        assert staff is not None and presence.of(staff) is Presence.AWAY
        assert presence.online_in(s, team.id) == []
    with clock.frozen(start + timedelta(minutes=15)), db.unit_of_work(write=False) as s:
        staff = s.get(Staff, agent.id)
        assert staff is not None and presence.of(staff) is Presence.OFFLINE  # no beat for four minutes


def test_chat_capacity_is_an_admins_to_set_within_bounds(db: Database, make: Factory) -> None:
    agent = make.staff(Role.AGENT)
    with db.unit_of_work() as s:
        staff = s.get(Staff, agent.id)
        assert staff is not None and staff.chat_capacity == presence.DEFAULT_CAPACITY
        with pytest.raises(Forbidden):
            presence.set_capacity(s, actor(agent), staff, 5)
        with pytest.raises(Invalid):
            presence.set_capacity(s, SYSTEM, staff, presence.MAX_CAPACITY + 1)


# ---------------------------------------------------------------- live chats


def test_a_chat_goes_to_whoever_is_online_with_room_and_waits_when_nobody_is(db: Database, make: Factory) -> None:
    team = make.team("support")
    home(db, homes.DEFAULT, team)
    away = make.staff(Role.AGENT, team=team)  # never says they are online
    dana = make.staff(Role.AGENT, team=team)
    go_online(db, dana, capacity=1)

    first = make.case(channel=Channel.CHAT).id
    second = make.case(channel=Channel.CHAT).id

    with db.unit_of_work(write=False) as s:
        one, two = s.get(Case, first), s.get(Case, second)
        assert one is not None and two is not None
        assert one.owner_id == dana.id
        assert two.owner_id is None  # Dana is full, the other one is not online: it waits
        why = s.scalars(
            select(TimelineEntry.data).where(TimelineEntry.case_id == first, TimelineEntry.kind == EntryKind.EVENT)
        ).all()
        assert any("online for chat" in str(d) for d in why)
        assert chats.counts(s, (team.id,)) == (1, 1)
        assert [c.id for c in chats.waiting(s, (team.id,))] == [second]
    assert away.id != dana.id


def test_coming_online_picks_up_waiting_chats_up_to_capacity(db: Database, make: Factory) -> None:
    team = make.team("support")
    home(db, homes.DEFAULT, team)
    agent = make.staff(Role.AGENT, team=team)
    numbers = [make.case(channel=Channel.CHAT).id for _ in range(4)]

    go_online(db, agent)
    with db.unit_of_work() as s:
        assert chats.dispatch(s, team.id) == presence.DEFAULT_CAPACITY
    with db.unit_of_work(write=False) as s:
        owners = [s.get(Case, n).owner_id for n in numbers]  # type: ignore[union-attr]
    assert owners == [agent.id, agent.id, agent.id, None]  # the oldest first


def test_taking_a_chat_needs_presence_and_room(db: Database, make: Factory) -> None:
    team = make.team("support")
    home(db, homes.DEFAULT, team)
    agent = make.staff(Role.AGENT, team=team)
    number = make.case(channel=Channel.CHAT).id

    with db.unit_of_work() as s, pytest.raises(Invalid, match="online"):
        chats.take_chat(s, actor(agent))
    with db.unit_of_work() as s:
        presence.set_presence(s, actor(agent), Presence.AWAY)  # away: no chat is given, but one may be taken
        presence.set_capacity(s, SYSTEM, s.get(Staff, agent.id), 1)  # type: ignore[arg-type]
    with db.unit_of_work() as s:
        taken = chats.take_chat(s, actor(agent))
        assert taken is not None and taken.id == number
    make.case(channel=Channel.CHAT)
    with db.unit_of_work() as s, pytest.raises(Conflict, match="capacity"):
        chats.take_chat(s, actor(agent))


def test_mail_to_an_address_no_team_owns_goes_to_the_email_channels_team(
    db: Database, make: Factory, tmp_path: Path
) -> None:
    billing = make.team("billing", email="billing@acme.example")
    front = make.team("front")
    home(db, "email", front)
    intake = Intake(db, BlobStore(tmp_path / "blobs"))

    for to in ("billing@acme.example", "hello@acme.example"):
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "Dana <dana@example.com>", to, f"To {to}"
        mail["Message-ID"] = make_msgid(domain="example.com")
        mail.set_content("Where is my parcel?")
        intake.take([(mail.as_bytes(), {"source": "import"})])

    with db.unit_of_work(write=False) as s:
        teams = {row.subject: row.team_id for row in s.execute(select(Case.subject, Case.team_id))}
    assert teams == {"To billing@acme.example": billing.id, "To hello@acme.example": front.id}
