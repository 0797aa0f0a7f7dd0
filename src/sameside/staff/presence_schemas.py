"""Request and response shapes for presence, chat capacity, the teams channels lead to, and the chats queue."""

from __future__ import annotations

from pydantic import Field

from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output
from sameside.staff.models import Presence
from sameside.staff.presence import MAX_CAPACITY
from sameside.staff.schemas import TeamOut


class PresenceIn(Input):
    presence: Presence
    """`online` (take live chats), `away` or `offline`."""


class PresenceOut(Output):
    presence: Presence
    """What you set."""
    effective: Presence
    """What counts now: what you set, made less by idleness (away after 10 idle minutes, offline after 3
    without an open desk page)."""
    chat_capacity: int
    live_chats: int


class CapacityIn(Input):
    chat_capacity: int = Field(ge=0, le=MAX_CAPACITY)
    """Live chats this person takes at once (0: none)."""


class CapacityOut(Output):
    id: int
    chat_capacity: int


class ChannelTeamIn(Input):
    team_id: int | None = Field(ge=1, le=MAX_ID)
    """The team this channel's new cases go to; null: none of its own (the default team takes them)."""


class ChannelTeamsOut(Output):
    teams: dict[str, TeamOut | None]
    """Each channel (`portal`, `chat`, `email`, `phone`) and `default`, with its team, or null when unset."""


class ChatCounts(Output):
    waiting: int
    """Live chats nobody has yet, in the teams you work (every team for supervisors and admins)."""
    active: int
    """Live chats someone has."""
    online: int
    """People in your team online for chat now."""


class NeedsATeamOut(Output):
    count: int
    """Active cases in no team (at most 999 counted)."""
    numbers: list[int]
    """The oldest of them, by number."""
