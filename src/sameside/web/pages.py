"""Drawing a page: the template, with who is looking (resolved once per request) and their CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sameside import __version__
from sameside.kit.actors import StaffActor
from sameside.web.deps import viewer_of

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    viewer = viewer_of(request)
    return templates.TemplateResponse(
        request,
        name,
        {
            "actor": viewer.actor,
            "viewer_name": viewer.name,
            "csrf": viewer.csrf,
            "version": __version__,
            "is_staff": isinstance(viewer.actor, StaffActor),
            "support_phone": request.app.state.settings.support_phone,
            **context,
        },
        status_code=status_code,
    )
