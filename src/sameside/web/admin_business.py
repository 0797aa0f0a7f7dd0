"""The admin centre's business pages: hours, holidays and promises; branding; channels. Admins only.

Each form is a plain post (not boosted): a refusal is drawn again beside the form the admin used, with what
they typed, with or without JavaScript. The logo is posted as multipart/form-data and judged by its bytes.
"""

from __future__ import annotations

import email.parser
import email.policy
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sameside.business import queries as business_queries
from sameside.business import service as business
from sameside.business.rules import DAY_NAMES, LOGO_MAX_BYTES, Business
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import Invalid
from sameside.kit.hours import DAYS
from sameside.kit.ids import MAX_ID
from sameside.mailboxes.probe import probe
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, go
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS

router = APIRouter(include_in_schema=False)
LOGO_FORM_LIMIT = LOGO_MAX_BYTES + 64 * 1024
SETTINGS_FIELDS = ("timezone", "support_phone", "reply_target_hours", "tier_cap_minutes", "callback_minutes")


def _refused(request: Request) -> Response:
    return page(request, "desk_refused.html", status_code=403, error="The admin centre is for admins.")


def _draw(request: Request, agent: Agent, name: str, status_code: int = 200, **context: Any) -> Response:
    return page(request, name, status_code=status_code, agent=agent, views=VIEWS, current=None, **context)


# ---------------------------------------------------------------- hours, holidays, promises


@router.get("/desk/admin/business", response_model=None)
@offload
def business_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    if agent.actor.role is not Role.ADMIN:
        return _refused(request)
    return _business(request, session, agent)


def _business(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    status_code: int = 200,
    error: str | None = None,
    refused_form: str | None = None,
    typed: PostedForm | None = None,
) -> Response:
    now = business.current(session)
    values: dict[str, str] = {
        "timezone": now.timezone,
        "support_phone": now.support_phone or "",
        "reply_target_hours": str(now.reply_target_hours),
        "tier_cap_minutes": str(now.tier_cap_minutes),
        "callback_minutes": str(now.callback_minutes),
        "chat_greeting": now.chat_greeting,
        "holiday_day": "",
        "holiday_name": "",
    }
    for day in DAYS:
        first = (now.week.get(day) or [["", ""]])[0]
        values[f"{day}_opens"], values[f"{day}_closes"] = first
    if typed is not None:
        values.update({k: v for k, v in typed.fields.items() if k in values})
    return _draw(
        request,
        agent,
        "desk_admin_business.html",
        status_code,
        now=now,
        values=values,
        days=[(day, DAY_NAMES[day]) for day in DAYS],
        error=error,
        refused_form=refused_form,
    )


@router.post("/desk/admin/business", response_model=None)
@offload
def save_business(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        week: dict[str, list[list[str]]] = {}
        for day in DAYS:
            opens, closes = form.get(f"{day}_opens").strip(), form.get(f"{day}_closes").strip()
            if opens or closes:
                if not (opens and closes):
                    raise Invalid(f"{DAY_NAMES[day]}: give both the opening and the closing time, or neither.")
                week[day] = [[opens, closes]]
        business.save_settings(
            session,
            agent.actor,
            week=week,
            timezone=form.get("timezone"),
            support_phone=form.get("support_phone"),
            reply_target_hours=_number(form, "reply_target_hours", "The reply target"),
            tier_cap_minutes=_number(form, "tier_cap_minutes", "The tier cap"),
            callback_minutes=_number(form, "callback_minutes", "A callback slot"),
            chat_greeting=form.get("chat_greeting"),
        )
        return go("/desk/admin/business", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _business(
            request, session, agent, status_code=problem[0], error=problem[1], refused_form="settings", typed=form
        )

    return act(request, agent.csrf, form, work, refused)


def _number(form: PostedForm, name: str, what: str) -> int:
    value = form.get(name).strip()
    if not value.isdigit() or len(value) > 6:
        raise Invalid(f"{what}: {value!r} is not a whole number.")
    return int(value)


@router.post("/desk/admin/business/holidays", response_model=None)
@offload
def add_holiday(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        try:
            day = date.fromisoformat(form.get("holiday_day").strip())
        except ValueError as exc:
            raise Invalid(f"{form.get('holiday_day')!r} is not a date like 2026-12-25.") from exc
        business.add_holiday(session, agent.actor, day, form.get("holiday_name"))
        return go("/desk/admin/business#holidays", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _business(
            request, session, agent, status_code=problem[0], error=problem[1], refused_form="holiday", typed=form
        )

    return act(request, agent.csrf, form, work, refused)


@router.post("/desk/admin/business/holidays/{day}/remove", response_model=None)
@offload
def remove_holiday(request: Request, agent: DeskAgent, day: date, form: Form) -> Response:
    def work(session: Session) -> Response:
        business.remove_holiday(session, agent.actor, day)
        return go("/desk/admin/business#holidays", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _business(request, session, agent, status_code=problem[0], error=problem[1], refused_form="holiday")

    return act(request, agent.csrf, form, work, refused)


# ---------------------------------------------------------------- branding


@router.get("/desk/admin/branding", response_model=None)
@offload
def branding_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    if agent.actor.role is not Role.ADMIN:
        return _refused(request)
    return _branding(request, session, agent)


def _branding(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    status_code: int = 200,
    error: str | None = None,
    refused_form: str | None = None,
    typed: PostedForm | None = None,
) -> Response:
    now = business.current(session)
    values = {
        "company_name": now.company_name or "",
        "primary_colour": now.primary_colour or "",
        "accent_colour": now.accent_colour or "",
    }
    if typed is not None:
        values.update({k: v for k, v in typed.fields.items() if k in values})
    return _draw(
        request,
        agent,
        "desk_admin_branding.html",
        status_code,
        now=now,
        values=values,
        error=error,
        refused_form=refused_form,
        logo_kb=LOGO_MAX_BYTES // 1024,
    )


@router.post("/desk/admin/branding", response_model=None)
@offload
def save_branding(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        business.save_branding(
            session,
            agent.actor,
            company_name=form.get("company_name"),
            primary=form.get("primary_colour"),
            accent=form.get("accent_colour"),
        )
        return go("/desk/admin/branding", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _branding(
            request, session, agent, status_code=problem[0], error=problem[1], refused_form="brand", typed=form
        )

    return act(request, agent.csrf, form, work, refused)


async def _multipart(request: Request) -> tuple[PostedForm, bytes]:
    """The logo form: its text fields and the file's bytes (parsed with the standard library's MIME parser)."""
    raw = await request.body()
    if len(raw) > LOGO_FORM_LIMIT:
        return PostedForm({}, too_large=True), b""
    kind = request.headers.get("content-type", "")
    if not kind.startswith("multipart/form-data"):
        return PostedForm({}), b""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + raw
    )
    fields: dict[str, str] = {}
    data = b""
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "logo":
            data = payload if isinstance(payload, bytes) else b""
        elif isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload.decode("utf-8", "replace")
    return PostedForm(fields), data


@router.post("/desk/admin/branding/logo", response_model=None)
async def upload_logo(request: Request, agent: DeskAgent) -> Response:
    form, data = await _multipart(request)
    blobs = request.app.state.blobs

    def work(session: Session) -> Response:
        if form.fields.get("remove"):
            business.clear_logo(session, agent.actor)
        else:
            business.set_logo(session, agent.actor, data, blobs.put)
        return go("/desk/admin/branding", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _branding(request, session, agent, status_code=problem[0], error=problem[1], refused_form="logo")

    too_large = f"A logo is at most {LOGO_MAX_BYTES // 1024} KB."
    return await run_in_threadpool(act, request, agent.csrf, form, work, refused, too_large=too_large)


@router.get("/brand/logo/{sha}", response_model=None)
@offload
def logo(request: Request, session: PageSession, sha: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> Response:
    """The company's logo by its hash: the address changes with the picture, so it is cached for a year."""
    now: Business = business.current(session)
    if now.logo_sha256 != sha or not now.logo_type:
        return Response(status_code=404)
    return Response(
        request.app.state.blobs.read(sha),
        media_type=now.logo_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"},
    )


# ---------------------------------------------------------------- channels


@router.get("/desk/admin/channels", response_model=None)
@offload
def channels_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    if agent.actor.role is not Role.ADMIN:
        return _refused(request)
    return _channels(request, session, agent)


def _channels(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    status_code: int = 200,
    error: str | None = None,
    refused_form: str | None = None,
    typed: PostedForm | None = None,
    tested: tuple[str, Any] | None = None,
) -> Response:
    settings = request.app.state.settings
    values = {"address": "", "team_id": ""}
    if typed is not None:
        values.update({k: v for k, v in typed.fields.items() if k in values})
    base = settings.base_url.rstrip("/")
    return _draw(
        request,
        agent,
        "desk_admin_channels.html",
        status_code,
        addresses=business_queries.inbound_addresses(session),
        environment_addresses=sorted(a.strip().lower() for a in settings.mail_addresses if a.strip()),
        teams=business_queries.teams(session),
        mailboxes=settings.imap_mailboxes,
        snippet=f'<script src="{base}/widget.js" defer></script>',
        values=values,
        error=error,
        refused_form=refused_form,
        tested=tested,
    )


def _team_id(form: PostedForm) -> int | None:
    value = form.get("team_id").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise Invalid("Choose a team from the list.")
    return int(value)


@router.post("/desk/admin/channels/addresses", response_model=None)
@offload
def add_address(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        business.add_address(session, agent.actor, form.get("address"), _team_id(form))
        return go("/desk/admin/channels#addresses", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _channels(
            request, session, agent, status_code=problem[0], error=problem[1], refused_form="address", typed=form
        )

    return act(request, agent.csrf, form, work, refused)


@router.post("/desk/admin/channels/addresses/{address_id}", response_model=None)
@offload
def change_address(
    request: Request, agent: DeskAgent, form: Form, address_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Response:
    def work(session: Session) -> Response:
        if form.get("remove"):
            business.remove_address(session, agent.actor, address_id)
        else:
            business.set_address_team(session, agent.actor, address_id, _team_id(form))
        return go("/desk/admin/channels#addresses", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _channels(
            request, session, agent, status_code=problem[0], error=problem[1], refused_form=f"address-{address_id}"
        )

    return act(request, agent.csrf, form, work, refused)


@router.post("/desk/admin/channels/mailboxes/{name}/test", response_model=None)
@offload
def test_mailbox(request: Request, agent: DeskAgent, session: PageSession, form: Form, name: str) -> Response:
    """Connect to a configured IMAP mailbox once, with a short timeout, and say what happened."""
    if agent.actor.role is not Role.ADMIN:
        return _refused(request)
    if form.get("csrf") != agent.csrf:
        return _channels(request, session, agent, status_code=403, error="This form is out of date: reload the page.")
    mailbox = next((m for m in request.app.state.settings.imap_mailboxes if m.name == name), None)
    if mailbox is None:
        return _channels(request, session, agent, status_code=404, error=f"No mailbox is called {name!r}.")
    return _channels(request, session, agent, tested=(name, probe(mailbox)))
