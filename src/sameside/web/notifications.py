"""Desk pages: your notifications — a case assigned or transferred to you, a consult answered or overdue, a
breach coming, someone asking for someone senior, a call missed — and how you want to be told.

Each notification links to `/desk/notifications/<id>/open`, which marks it
read and goes to its page. Below the list, the kinds you also want by email.
The list is a plain page with forms that work without JavaScript. The unread
count beside "Notifications" in the desk's navigation is a small fragment
the layout loads with htmx (`/desk/notifications/count`), so every desk page
shows it without each route having to look it up; a live refresh of the page
loads it again.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sameside.db.engine import Session
from sameside.http.deps import Write
from sameside.http.offload import offload
from sameside.kit.actors import StaffActor
from sameside.kit.errors import DomainError
from sameside.kit.ids import MAX_ID
from sameside.staff import notifications as notices
from sameside.web.deps import DeskAgent, Form, PageSession, go, viewer_of
from sameside.web.pages import page, templates
from sameside.web.staff_pages import VIEWS, desk_action

router = APIRouter(prefix="/desk", include_in_schema=False)

KINDS = notices.KINDS


@router.get("/notifications", response_model=None)
@offload
def notifications(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    unread: Annotated[bool, Query()] = False,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    try:
        found = notices.list_for(session, agent.actor.staff_id, unread_only=unread, limit=50, cursor=cursor)
    except DomainError as error:
        return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
    return page(
        request,
        "desk_notifications.html",
        agent=agent,
        views=VIEWS,
        current=None,
        notifications_page=True,
        items=found.items,
        next_cursor=found.next_cursor,
        unread_only=unread,
        unread=notices.unread_count(session, agent.actor.staff_id),
        kinds=KINDS,
        email_kinds=notices.email_kinds(session, agent.actor.staff_id),
        saved=request.query_params.get("saved") == "1",
    )


@router.get("/notifications/count", response_class=HTMLResponse)
@offload
def unread_count(request: Request, session: PageSession) -> HTMLResponse:
    """The fragment beside "Notifications": how many are unread (nothing for none, or for anyone not on staff)."""
    viewer = viewer_of(request, session)
    count = notices.unread_count(session, viewer.actor.staff_id) if isinstance(viewer.actor, StaffActor) else 0
    response = templates.TemplateResponse(request, "_notification_count.html", {"count": count})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/notifications/read-all", response_model=None)
@offload
def read_all(request: Request, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session) -> str:
        notices.mark_all_read(session, agent.actor)
        return "/desk/notifications"

    return desk_action(request, agent, form, work)


@router.post("/notifications/{notification_id}/read", response_model=None)
@offload
def read_one(
    request: Request, agent: DeskAgent, notification_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form
) -> Response:
    def work(session: Session) -> str:
        notices.mark_read(session, agent.actor, notification_id)
        return "/desk/notifications"

    return desk_action(request, agent, form, work)


@router.get("/notifications/{notification_id}/open", response_model=None)
@offload
def open_one(
    request: Request, agent: DeskAgent, notification_id: Annotated[int, Path(ge=1, le=MAX_ID)], write: Write
) -> Response:
    """Follow a notification's link: it is read now, and its page opens (someone else's is not there)."""
    try:
        with write() as session:
            url = notices.link_of(notices.mark_read(session, agent.actor, notification_id))
    except DomainError as error:
        return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
    return go(url)


@router.post("/notifications/preferences", response_model=None)
@offload
def preferences(request: Request, agent: DeskAgent, form: Form) -> Response:
    """Which kinds also come by email: one checkbox per kind, all in one form."""
    chosen = [kind for kind in KINDS if form.get(f"email_{kind}") == "1"]

    def work(session: Session) -> str:
        notices.set_email_kinds(session, agent.actor, chosen)
        return "/desk/notifications?saved=1#preferences"

    return desk_action(request, agent, form, work)
