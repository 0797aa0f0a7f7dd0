"""Every case has a home, and live chat finds someone there: the team each channel leads to, "Needs a
team", the chats queue's counts, and each person's presence and chat capacity.

Anyone on staff reads where channels lead and sets their own presence; admins
give channels their teams and people their chat capacity; supervisors and
admins read "Needs a team".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from sameside.cases import queries as case_queries
from sameside.cases.routing import chats, homes
from sameside.http.deps import Admin, ReadSession, StaffUser, Write
from sameside.http.offload import offload
from sameside.kit.errors import NotFound
from sameside.kit.ids import MAX_ID
from sameside.staff import presence
from sameside.staff import queries as staff_queries
from sameside.staff.models import Presence
from sameside.staff.presence_schemas import (
    CapacityIn,
    CapacityOut,
    ChannelTeamIn,
    ChannelTeamsOut,
    ChatCounts,
    NeedsATeamOut,
    PresenceIn,
    PresenceOut,
)
from sameside.staff.schemas import TeamOut

router = APIRouter(tags=["chats"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
CHATS_TOPIC = "chats"
"""Presence changed: open chat widgets ask again whether anyone is online (`web.chat`)."""


@router.get("/channel-teams", response_model=ChannelTeamsOut)
@offload
def read_channel_teams(_: StaffUser, session: ReadSession) -> ChannelTeamsOut:
    found = homes.homes(session)
    return ChannelTeamsOut(teams={c: TeamOut.model_validate(found[c]) if c in found else None for c in homes.CHANNELS})


@router.put("/channel-teams/{channel}", response_model=ChannelTeamsOut)
@offload
def set_channel_team(channel: str, body: ChannelTeamIn, actor: Admin, write: Write) -> ChannelTeamsOut:
    """Give a channel (or `default`) its team; `{"team_id": null}` takes it away."""
    with write() as session:
        if channel not in homes.CHANNELS:
            raise NotFound(f"There is no channel {channel!r}: choose one of {', '.join(homes.CHANNELS)}.")
        team = staff_queries.get_team(session, body.team_id) if body.team_id is not None else None
        homes.set_home(session, actor, channel, team)
        found = homes.homes(session)
        return ChannelTeamsOut(
            teams={c: TeamOut.model_validate(found[c]) if c in found else None for c in homes.CHANNELS}
        )


@router.get("/needs-a-team", response_model=NeedsATeamOut)
@offload
def needs_a_team(actor: StaffUser, session: ReadSession) -> NeedsATeamOut:
    """Cases in no team: for supervisors and admins (others get none)."""
    return NeedsATeamOut(
        count=case_queries.needing_a_team_count(session, actor),
        numbers=[c.id for c in case_queries.needing_a_team(session, actor, limit=50)],
    )


@router.get("/chats/count", response_model=ChatCounts)
@offload
def chat_counts(actor: StaffUser, session: ReadSession) -> ChatCounts:
    waiting, active = chats.counts(session, chats.scope_for(actor))
    online = len(presence.online_in(session, actor.team_id)) if actor.team_id is not None else 0
    return ChatCounts(waiting=waiting, active=active, online=online)


@router.get("/staff/me/presence", response_model=PresenceOut)
@offload
def read_presence(actor: StaffUser, session: ReadSession) -> PresenceOut:
    return _presence_out(session, actor.staff_id)


@router.put("/staff/me/presence", response_model=PresenceOut)
@offload
def set_presence(request: Request, body: PresenceIn, actor: StaffUser, write: Write) -> PresenceOut:
    """Say whether you take live chats now; going online picks up chats waiting in your team, up to your capacity."""
    with write() as session:
        presence.set_presence(session, actor, body.presence)
        if body.presence is Presence.ONLINE and actor.team_id is not None:
            chats.dispatch(session, actor.team_id)
        out = _presence_out(session, actor.staff_id)
    request.app.state.hub.publish(CHATS_TOPIC, {"type": "chat.presence"})
    return out


@router.put("/staff/{staff_id}/chat-capacity", response_model=CapacityOut)
@offload
def set_capacity(staff_id: Id, body: CapacityIn, actor: Admin, write: Write) -> CapacityOut:
    with write() as session:
        staff = presence.set_capacity(session, actor, staff_queries.get_staff(session, staff_id), body.chat_capacity)
        return CapacityOut(id=staff.id, chat_capacity=staff.chat_capacity)


def _presence_out(session: ReadSession, staff_id: int) -> PresenceOut:
    staff = staff_queries.get_staff(session, staff_id)
    return PresenceOut(
        presence=staff.presence,
        effective=presence.of(staff),
        chat_capacity=staff.chat_capacity,
        live_chats=chats.live_chats(session, [staff_id]).get(staff_id, 0),
    )
