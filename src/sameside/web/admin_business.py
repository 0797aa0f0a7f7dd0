"""The admin centre's business pages: hours, holidays and promises; branding. Admins only.

Each form is a plain post (not boosted): a refusal is drawn again beside the form the admin used, with what
they typed, with or without JavaScript. The logo is posted as multipart/form-data and judged by its bytes.
"""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sameside.business import service as business
from sameside.business.rules import LOGO_MAX_BYTES, Business
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.hours import DAY_NAMES, DAYS
from sameside.web import portal_choices
from sameside.web.admin_pages import admin_act, admin_page, not_admin
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, form_reader, go

WeekForm = Annotated[PostedForm, Depends(form_reader(max_fields=48))]
"""A form with a week of opening hours in it: more fields than most (14 for the hours alone)."""

router = APIRouter(include_in_schema=False)
Work = Callable[[Session], str]
"""A change: does it, and answers where to go next."""
LOGO_FORM_LIMIT = LOGO_MAX_BYTES + 64 * 1024


def _draw(
    request: Request,
    agent: Agent,
    name: str,
    here: str,
    problem: Problem | None,
    refused_form: str | None,
    **context: Any,
) -> Response:
    """An admin page, with a refusal (status and message) beside the form named `refused_form`."""
    return admin_page(
        request,
        name,
        agent,
        here,
        status_code=problem[0] if problem else 200,
        error=problem[1] if problem else None,
        refused_form=refused_form if problem else None,
        **context,
    )


# ---------------------------------------------------------------- hours, holidays, promises


@router.get("/desk/admin/business", response_model=None)
@offload
def business_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return not_admin(request, agent) or _business(request, session, agent)


def _business(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
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
        "business",
        problem,
        refused_form,
        now=now,
        values=values,
        days=[(day, DAY_NAMES[day]) for day in DAYS],
        zones=portal_choices.zone_groups(),
    )


def _on_business(request: Request, agent: Agent, form: PostedForm, key: str, work: Work) -> Response:
    return admin_act(
        request,
        agent,
        form,
        work,
        lambda session, problem: _business(request, session, agent, problem=problem, refused_form=key, typed=form),
    )


@router.post("/desk/admin/business", response_model=None)
@offload
def save_business(request: Request, agent: DeskAgent, form: WeekForm) -> Response:
    def work(session: Session) -> str:
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
        return "/desk/admin/business"

    return _on_business(request, agent, form, "settings", work)


def _number(form: PostedForm, name: str, what: str) -> int:
    value = form.get(name).strip()
    if not value.isdigit() or len(value) > 6:
        raise Invalid(f"{what}: {value!r} is not a whole number.")
    return int(value)


@router.post("/desk/admin/business/holidays", response_model=None)
@offload
def add_holiday(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        try:
            day = date.fromisoformat(form.get("holiday_day").strip())
        except ValueError as exc:
            raise Invalid(f"{form.get('holiday_day')!r} is not a date like 2026-12-25.") from exc
        business.add_holiday(session, agent.actor, day, form.get("holiday_name"))
        return "/desk/admin/business#holidays"

    return _on_business(request, agent, form, "holiday", work)


@router.post("/desk/admin/business/holidays/{day}/remove", response_model=None)
@offload
def remove_holiday(request: Request, agent: DeskAgent, day: date, form: Form) -> Response:
    def work(session: Session) -> str:
        business.remove_holiday(session, agent.actor, day)
        return "/desk/admin/business#holidays"

    return _on_business(request, agent, form, "holiday", work)


# ---------------------------------------------------------------- branding


@router.get("/desk/admin/branding", response_model=None)
@offload
def branding_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return not_admin(request, agent) or _branding(request, session, agent)


def _branding(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
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
        "branding",
        problem,
        refused_form,
        now=now,
        values=values,
        logo_kb=LOGO_MAX_BYTES // 1024,
    )


def _on_branding(request: Request, agent: Agent, form: PostedForm, key: str, work: Work) -> Response:
    return admin_act(
        request,
        agent,
        form,
        work,
        lambda session, problem: _branding(request, session, agent, problem=problem, refused_form=key, typed=form),
    )


@router.post("/desk/admin/branding", response_model=None)
@offload
def save_branding(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        business.save_branding(
            session,
            agent.actor,
            company_name=form.get("company_name"),
            primary=form.get("primary_colour"),
            accent=form.get("accent_colour"),
        )
        return "/desk/admin/branding"

    return _on_branding(request, agent, form, "brand", work)


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
        return _branding(request, session, agent, problem=problem, refused_form="logo")

    too_large = f"A logo is at most {LOGO_MAX_BYTES // 1024} KB."
    refused_here = not_admin(request, agent)
    if refused_here is not None:
        return refused_here
    answer: Response = await run_in_threadpool(act, request, agent.csrf, form, work, refused, too_large=too_large)
    return answer


@router.get("/brand/colours.css", response_model=None)
@offload
def colours(session: PageSession) -> Response:
    """The company's colour for the customer's pages, as a stylesheet (the pages' policy allows no inline
    style). Linked with the settings' stamp in its address: a change is fetched at once, the rest cached."""
    now: Business = business.current(session)
    css = ""
    if now.primary_colour:
        accent = f":root {{ --accent: {now.primary_colour}; --accent-ink: #ffffff; }}"
        css = f"@media not (prefers-color-scheme: dark) {{ {accent} }}\n"
    return _css(css)


@router.get("/brand/swatches.css", response_model=None)
@offload
def swatches(session: PageSession) -> Response:
    """The colours as samples on the branding page (the desk itself keeps the product's colours)."""
    now: Business = business.current(session)
    css = "".join(
        f".swatch-{name} {{ background: {colour}; color: #ffffff; padding: 4px 8px; }}\n"
        for name, colour in (("primary", now.primary_colour), ("accent", now.accent_colour))
        if colour
    )
    return _css(css)


def _css(css: str) -> Response:
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=31536000, immutable"})


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
