"""Rendering a page: the template, who is looking, their CSRF token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sameside import __version__
from sameside.auth import service as auth
from sameside.customers.queries import customer_for
from sameside.http.deps import SESSION_COOKIE, database
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.staff.queries import get_staff

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def viewer(request: Request) -> tuple[StaffActor | CustomerActor | None, str | None, str | None]:
    """Who is looking at the page (by cookie), their display name and CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None, None, None
    with database(request).unit_of_work(write=False) as session:
        resolved = auth.resolve_session(session, cookie)
        if resolved is None:
            return None, None, None
        if isinstance(resolved.actor, StaffActor):
            name = get_staff(session, resolved.actor.staff_id).name
        else:
            name = customer_for(session, resolved.actor, resolved.actor.customer_id).name
    return resolved.actor, name, resolved.csrf_token


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    actor, viewer_name, csrf = viewer(request)
    return templates.TemplateResponse(
        request,
        name,
        {
            "actor": actor,
            "viewer_name": viewer_name,
            "csrf": csrf,
            "version": __version__,
            "is_staff": isinstance(actor, StaffActor),
            "support_phone": request.app.state.settings.support_phone,
            **context,
        },
        status_code=status_code,
    )


def form_reader(limit: int, max_fields: int) -> Callable[[Request], Awaitable[dict[str, str]]]:
    """A dependency that reads a posted form; oversized or over-stuffed forms come back as `_too_large`."""

    async def read(request: Request) -> dict[str, str]:
        raw = await request.body()
        if len(raw) > limit:
            return {"_too_large": "1"}
        try:
            parsed = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=max_fields, keep_blank_values=True)
        except ValueError:  # more fields than any of our forms has
            return {"_too_large": "1"}
        return {k: v[0] for k, v in parsed.items()}

    return read
