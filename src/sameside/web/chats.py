"""The Chats queue: live chats waiting for a person and those being answered, with who is online.

Agents see their team's chats (and any with no team); supervisors and admins
every team's. The page listens on the live hub like every desk page, and
refreshes only its lists (`#chats`), so the presence control is never
redrawn under the person using it. Each person says here whether they take
chats now (`staff.presence`); going online picks up chats already waiting,
up to their capacity. "Take the next chat" serves the longest-waiting one.

`/desk/chats/count` is the small fragment any desk page shows beside
"Chats" (the waiting count, loaded with htmx like the notifications count).
It also carries the heartbeat (`static/presence.js`): every desk page that
shows the count tells `/desk/chats/beat` each minute that it is open, and
whether its person did anything, so idleness moves people to away and a
closed desk to offline.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sameside.cases.routing import chats
from sameside.cases.service_levels.queries import due_labels
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.actors import StaffActor
from sameside.kit.errors import Invalid
from sameside.staff import presence
from sameside.staff import queries as staff_queries
from sameside.staff.models import Presence
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, Problem, act, go, viewer_of
from sameside.web.pages import page, templates
from sameside.web.staff_pages import VIEWS

router = APIRouter(prefix="/desk", include_in_schema=False)

CHATS_TOPIC = "chats"
"""Presence changed: open chat widgets ask again whether anyone is online (`web.chat`)."""
PRESENCE_WORDS = {
    Presence.ONLINE: "Online: you take live chats.",
    Presence.AWAY: "Away: no new chats for now.",
    Presence.OFFLINE: "Offline: no chats.",
}


@router.get("/chats", response_model=None)
@offload
def chats_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return _draw(request, session, agent)


def _draw(
    request: Request, session: Session, agent: Agent, *, status_code: int = 200, error: str = "", at: str = ""
) -> Response:
    """The page; a refused form's message goes beside the form it came from (`at`: `presence` or `take`)."""
    scope = chats.scope_for(agent.actor)
    me = staff_queries.get_staff(session, agent.actor.staff_id)
    waiting = chats.waiting(session, scope, limit=100)
    active = chats.active(session, scope, limit=100)
    online = presence.online_in(session, agent.actor.team_id) if agent.actor.team_id is not None else []
    return page(
        request,
        "desk_chats.html",
        status_code=status_code,
        agent=agent,
        views=VIEWS,
        current=None,
        chats_page=True,
        me=me,
        chosen=me.presence,
        effective=presence.of(me),
        words=PRESENCE_WORDS,
        labels=presence.LABELS,
        choices=list(Presence),
        capacity=me.chat_capacity,
        mine=sum(1 for c in active if c.owner_id == me.id),
        waiting=waiting,
        active=active,
        dues=due_labels([*waiting, *active]),
        online=online,
        every_team=scope is None,
        presence_error=error if at == "presence" else "",
        take_error=error if at == "take" else "",
    )


@router.get("/chats/count", response_class=HTMLResponse)
@offload
def chats_count(request: Request, session: PageSession) -> HTMLResponse:
    """The fragment beside "Chats": how many wait for a person (nothing for none, or for anyone not on staff)."""
    viewer = viewer_of(request, session)
    staff = isinstance(viewer.actor, StaffActor)
    waiting = chats.counts(session, chats.scope_for(viewer.actor))[0] if staff else 0
    context = {"waiting": waiting, "csrf": viewer.csrf if staff else None}
    response = templates.TemplateResponse(request, "_chats_count.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/chats/presence", response_model=None)
@offload
def set_presence(request: Request, agent: DeskAgent, form: Form) -> Response:
    """Online, away or offline; going online picks up chats waiting in the team, up to the person's capacity."""

    def work(session: Session) -> Response:
        chosen = presence.parse(form.get("presence", ""))
        presence.set_presence(session, agent.actor, chosen)
        if chosen is Presence.ONLINE and agent.actor.team_id is not None:
            chats.dispatch(session, agent.actor.team_id)
        return go("/desk/chats", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _draw(request, session, agent, status_code=problem[0], error=problem[1], at="presence")

    answer = act(request, agent.csrf, form, work, refused)
    if answer.status_code == 303:  # committed: open widgets ask again whether anyone is online
        request.app.state.hub.publish(CHATS_TOPIC, {"type": "chat.presence"})
    return answer


@router.post("/chats/take", response_model=None)
@offload
def take_chat(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        case = chats.take_chat(session, agent.actor)
        if case is None:
            raise Invalid("No chat is waiting for a person right now.")
        return go(f"/desk/cases/{case.id}", done="took")

    def refused(session: Session, problem: Problem) -> Response:
        return _draw(request, session, agent, status_code=problem[0], error=problem[1], at="take")

    return act(request, agent.csrf, form, work, refused)


@router.post("/chats/beat", response_model=None)
@offload
def beat(request: Request, agent: DeskAgent, form: Form) -> Response:
    """An open desk page is still there (`active=1`: and its person did something since the last beat).

    Someone online with room is also offered what waits in their team, so a chat
    they resolved makes room for the next within a minute.
    """

    def work(session: Session) -> Response:
        me = presence.beat(session, agent.actor, active=form.get("active") == "1")
        if me.team_id is not None and presence.of(me) is Presence.ONLINE:
            chats.dispatch(session, me.team_id)  # room freed by a chat resolved since: the next one comes
        return Response(status_code=204)

    def refused(_: Session, problem: Problem) -> Response:
        return Response(problem[1], status_code=problem[0], media_type="text/plain")

    return act(request, agent.csrf, form, work, refused)
