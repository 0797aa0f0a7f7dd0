"""Drawing a page: the template, with who is looking (resolved once per request) and their CSRF token.

A desk page also gets the views on the left with their counts (`desk_nav`),
unless its route drew them already on its own session, and the confirmation
of what the person just did, if a change sent them here (`deps.go(done=…)`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sameside import __version__
from sameside.business import service as business
from sameside.http.deps import database
from sameside.kit.actors import StaffActor
from sameside.web import desk_nav
from sameside.web.deps import DONE, DONE_COOKIE, viewer_of
from sameside.web.message_body import message_body

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["message_body"] = message_body  # a timeline message as HTML: staff Markdown rendered, safe


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    viewer = viewer_of(request)
    staff = isinstance(viewer.actor, StaffActor)
    desk = staff and name.startswith("desk_") and name != "desk_refused.html"
    if desk and "tabs" not in context and isinstance(viewer.actor, StaffActor):
        with database(request).unit_of_work(write=False) as session:
            context["tabs"] = desk_nav.tabs(request, session, viewer.actor)
    done = request.cookies.get(DONE_COOKIE)
    brand = business.latest()  # the company's name, colours and phone, from the admin centre
    # Customers see the company's name and colours; staff, and the server's own front page, the product's.
    branded = not staff and not context.get("product_page")
    response = templates.TemplateResponse(
        request,
        name,
        {
            "actor": viewer.actor,
            "viewer_name": viewer.name,
            "csrf": viewer.csrf,
            "version": __version__,
            "is_staff": staff,
            "support_phone": brand.support_phone,
            "brand": brand,
            "branded": branded,
            "site_name": brand.display_name if branded else "Sameside",
            "toast": DONE.get(done or "") if status_code < 400 else None,
            **context,
        },
        status_code=status_code,
    )
    if done is not None and status_code < 400:
        response.delete_cookie(DONE_COOKIE, path="/")
    return response
