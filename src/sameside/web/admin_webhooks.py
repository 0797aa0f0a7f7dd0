"""The admin centre's webhooks: subscriptions with their events, each one's delivery log with redelivery,
pause and resume, secret rotation and a test message, and the private hosts deliveries may reach.

A secret is shown once, on the page that answers its creation or rotation (never stored in the page's
address, never cached). The same verbs as the API (`webhooks.service`); see docs/webhooks.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.web.admin_pages import admin_act, admin_page, not_admin
from sameside.web.deps import Agent, DeskAgent, PageSession, PostedForm, Problem, act, form_reader
from sameside.webhooks import queries, service
from sameside.webhooks.rules import EVENT_WORDS, RETRY_AFTER, WebhookEvent

router = APIRouter(include_in_schema=False)

Form = Annotated[PostedForm, Depends(form_reader(8192, max_fields=20))]
WebhookId = Annotated[int, Path(ge=1, le=MAX_ID)]
DeliveryId = Annotated[int, Path(ge=1, le=MAX_ID)]
EVENTS = [(event.value, EVENT_WORDS[event]) for event in WebhookEvent]


def _schedule() -> str:
    """The retry schedule in words: "at once, then after 30 seconds, 5 minutes, …"."""
    waits = []
    for wait in RETRY_AFTER:
        seconds = int(wait.total_seconds())
        waits.append(
            f"{seconds // 3600} h" if seconds >= 3600 else f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"
        )
    return "at once, then after " + ", ".join(waits)


def _list(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
    typed: PostedForm | None = None,
    form_name: str | None = None,
    new_secret: str | None = None,
) -> Response:
    return admin_page(
        request,
        "desk_admin_webhooks.html",
        agent,
        "webhooks",
        status_code=problem[0] if problem else 200,
        hooks=queries.listed(session),
        hosts=queries.allowed_hosts(session),
        events=EVENTS,
        schedule=_schedule(),
        error=problem[1] if problem else None,
        refused_form=form_name if problem else None,
        typed=typed.fields if typed is not None and problem else {},
        chosen=set(typed.get_all("events")) if typed is not None and problem else set(),
        new_secret=new_secret,
    )


@router.get("/desk/admin/webhooks", response_model=None)
@offload
def webhooks_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return not_admin(request, agent) or _list(request, session, agent)


@router.post("/desk/admin/webhooks", response_model=None)
@offload
def create(request: Request, agent: DeskAgent, form: Form) -> Response:
    """Subscribe, and show the secret on the answer, once."""
    refused = not_admin(request, agent)
    if refused is not None:
        return refused

    def work(session: Session) -> Response:
        chosen = form.get_all("events")
        if not chosen:
            raise Invalid("Choose at least one event to send.")
        hook, secret = service.subscribe(
            session, agent.actor, url=form.get("url"), events=chosen, description=form.get("description")
        )
        return _detail(request, session, agent, hook.id, new_secret=secret)

    def again(session: Session, problem: Problem) -> Response:
        return _list(request, session, agent, problem=problem, typed=form, form_name="create")

    answer = act(request, agent.csrf, form, work, again)
    answer.headers["Cache-Control"] = "no-store"
    return answer


@router.post("/desk/admin/webhooks/hosts", response_model=None)
@offload
def allow_host(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        service.allow_host(session, agent.actor, form.get("host"))
        return "/desk/admin/webhooks#hosts"

    def redraw(session: Session, problem: Problem) -> Response:
        return _list(request, session, agent, problem=problem, typed=form, form_name="host")

    return admin_act(request, agent, form, work, redraw)


@router.post("/desk/admin/webhooks/hosts/remove", response_model=None)
@offload
def disallow_host(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        service.disallow_host(session, agent.actor, form.get("host"))
        return "/desk/admin/webhooks#hosts"

    def redraw(session: Session, problem: Problem) -> Response:
        return _list(request, session, agent, problem=problem)

    return admin_act(request, agent, form, work, redraw)


# ------------------------------------------------------------------ one webhook and its log


def _detail(
    request: Request,
    session: Session,
    agent: Agent,
    webhook_id: int,
    *,
    problem: Problem | None = None,
    new_secret: str | None = None,
    rotated_until: object = None,
) -> Response:
    hook = queries.get(session, webhook_id)
    return admin_page(
        request,
        "desk_admin_webhook.html",
        agent,
        "webhooks",
        status_code=problem[0] if problem else 200,
        hook=hook,
        words=dict(EVENTS),
        log=queries.deliveries(session, webhook_id, limit=50).items,
        error=problem[1] if problem else None,
        new_secret=new_secret,
        rotated_until=rotated_until,
    )


@router.get("/desk/admin/webhooks/{webhook_id}", response_model=None)
@offload
def webhook_page(request: Request, agent: DeskAgent, session: PageSession, webhook_id: WebhookId) -> Response:
    return not_admin(request, agent) or _detail(request, session, agent, webhook_id)


def _on_webhook(request: Request, agent: Agent, form: PostedForm, webhook_id: int, verb: str) -> Response:
    def work(session: Session) -> str:
        if verb == "pause":
            service.pause(session, agent.actor, webhook_id)
        elif verb == "resume":
            service.resume(session, agent.actor, webhook_id)
        elif verb == "test":
            service.ping(session, agent.actor, webhook_id)
        elif verb == "remove":
            service.remove(session, agent.actor, webhook_id)
            return "/desk/admin/webhooks"
        return f"/desk/admin/webhooks/{webhook_id}"

    def redraw(session: Session, problem: Problem) -> Response:
        return _detail(request, session, agent, webhook_id, problem=problem)

    return admin_act(request, agent, form, work, redraw)


@router.post("/desk/admin/webhooks/{webhook_id}/pause", response_model=None)
@offload
def pause(request: Request, agent: DeskAgent, form: Form, webhook_id: WebhookId) -> Response:
    return _on_webhook(request, agent, form, webhook_id, "pause")


@router.post("/desk/admin/webhooks/{webhook_id}/resume", response_model=None)
@offload
def resume(request: Request, agent: DeskAgent, form: Form, webhook_id: WebhookId) -> Response:
    return _on_webhook(request, agent, form, webhook_id, "resume")


@router.post("/desk/admin/webhooks/{webhook_id}/test", response_model=None)
@offload
def send_test(request: Request, agent: DeskAgent, form: Form, webhook_id: WebhookId) -> Response:
    return _on_webhook(request, agent, form, webhook_id, "test")


@router.post("/desk/admin/webhooks/{webhook_id}/remove", response_model=None)
@offload
def remove(request: Request, agent: DeskAgent, form: Form, webhook_id: WebhookId) -> Response:
    return _on_webhook(request, agent, form, webhook_id, "remove")


@router.post("/desk/admin/webhooks/{webhook_id}/rotate", response_model=None)
@offload
def rotate(request: Request, agent: DeskAgent, form: Form, webhook_id: WebhookId) -> Response:
    """A new secret, shown on the answer once; the old one signs too for a day."""
    refused = not_admin(request, agent)
    if refused is not None:
        return refused

    def work(session: Session) -> Response:
        secret, until = service.rotate_secret(session, agent.actor, webhook_id)
        return _detail(request, session, agent, webhook_id, new_secret=secret, rotated_until=until)

    def again(session: Session, problem: Problem) -> Response:
        return _detail(request, session, agent, webhook_id, problem=problem)

    answer = act(request, agent.csrf, form, work, again)
    answer.headers["Cache-Control"] = "no-store"
    return answer


@router.post("/desk/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", response_model=None)
@offload
def redeliver(
    request: Request, agent: DeskAgent, form: Form, webhook_id: WebhookId, delivery_id: DeliveryId
) -> Response:
    def work(session: Session) -> str:
        service.redeliver(session, agent.actor, webhook_id, delivery_id)
        return f"/desk/admin/webhooks/{webhook_id}#delivery-{delivery_id}"

    def redraw(session: Session, problem: Problem) -> Response:
        return _detail(request, session, agent, webhook_id, problem=problem)

    return admin_act(request, agent, form, work, redraw)
