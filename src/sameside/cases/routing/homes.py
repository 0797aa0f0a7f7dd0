"""Every case has a home: the team a new case goes to when nothing more particular names one.

Mail to a team's own address goes to that team, and an IMAP mailbox names
its team in settings (`mailboxes`); everything else asks here. A channel may
have a team of its own (`portal`, `chat`, `email`, `phone`); otherwise the
default team takes it. Where neither is set (no team configured yet) the
case waits in "Needs a team" (`cases.queries.needing_a_team`), which
supervisors see and "take next" serves, so it is never out of sight.

An admin sets these in the admin centre (Channels: "Where new cases go") or
through the API (`/api/v1/channel-teams`); `sameside
init --default-team SLUG` (or `SAMESIDE_DEFAULT_TEAM`) sets the default.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.customers.rules import Channel
from sameside.kit.actors import Actor
from sameside.kit.errors import Invalid
from sameside.staff import rules as staff_rules
from sameside.staff.models import ChannelTeam, Team

DEFAULT = "default"
CHANNELS = (DEFAULT, *(c.value for c in Channel))
"""What may be given a team: every channel, and the default for all of them."""


def homes(session: Session) -> dict[str, Team]:
    """Each channel given a team, and the default (`DEFAULT`), as set now; unset ones are absent."""
    rows = session.execute(select(ChannelTeam.channel, Team).join(Team, Team.id == ChannelTeam.team_id)).all()
    return {row.channel: row.Team for row in rows}


def home_for(session: Session, channel: Channel | str) -> Team | None:
    """The team a new case on `channel` goes to: the channel's own, else the default; None when neither is set."""
    wanted = Channel(channel).value
    rows = dict(
        session.execute(
            select(ChannelTeam.channel, ChannelTeam.team_id).where(ChannelTeam.channel.in_((wanted, DEFAULT)))
        ).all()
    )
    team_id = rows.get(wanted, rows.get(DEFAULT))
    return session.get(Team, team_id) if team_id is not None else None


def set_home(session: Session, actor: Actor, channel: str, team: Team | None) -> None:
    """Give `channel` (or `DEFAULT`) a team, or take its team away (`None`): an admin's decision."""
    staff_rules.require_admin(actor)
    if channel not in CHANNELS:
        raise Invalid(f"{channel!r} is not a channel: choose one of {', '.join(CHANNELS)}.")
    row = session.get(ChannelTeam, channel)
    if team is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(ChannelTeam(channel=channel, team_id=team.id))
    else:
        row.team_id = team.id
    session.flush()
