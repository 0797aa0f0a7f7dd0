"""What every admin centre page shares: who may open it, its section links, and how its forms act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from sameside.db.engine import Session
from sameside.kit.actors import Role
from sameside.web.deps import Agent, PostedForm, Problem, act, go
from sameside.web.pages import page

REFUSED = "The admin centre is for admins."


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    href: str
    says: str


SECTIONS = (
    Section("people", "People", "/desk/admin/people", "Invite staff, set roles, teams and departments, deactivate."),
    Section("teams", "Teams and departments", "/desk/admin/teams", "Front-line teams, their routing and address."),
    Section("business", "Business hours and settings", "/desk/admin/business", "Hours, holidays, phone, targets."),
    Section("branding", "Branding", "/desk/admin/branding", "Company name, logo and colours customers see."),
    Section("channels", "Channels", "/desk/admin/channels", "Inbound addresses, IMAP mailboxes, the chat widget."),
    Section(
        "service-levels", "Service levels", "/desk/admin/service-levels", "The SLA policy per priority; each team's."
    ),
    Section(
        "quarantine", "Mail quarantine", "/desk/admin/quarantine", "Mail that could not be filed: read, reprocess."
    ),
    Section("tokens", "API tokens", "/desk/admin/tokens", "Tokens for integrations: create, see, revoke."),
    Section("webhooks", "Webhooks", "/desk/admin/webhooks", "Signed messages to your systems as cases change."),
    Section("audit", "Audit log", "/desk/admin/audit", "Who changed what, and when."),
)


def not_admin(request: Request, agent: Agent) -> Response | None:
    """The desk's refusal for anyone but an admin; None for an admin."""
    if agent.actor.role is Role.ADMIN:
        return None
    return page(request, "desk_refused.html", status_code=403, error=REFUSED)


def admin_page(
    request: Request, name: str, agent: Agent, here: str, status_code: int = 200, **context: object
) -> Response:
    """An admin centre page: the desk's chrome, the sections as a sub-navigation, `here` marked."""
    return page(request, name, status_code=status_code, agent=agent, sections=SECTIONS, here=here, **context)


def admin_act(
    request: Request,
    agent: Agent,
    form: PostedForm,
    work: Callable[[Session], str],
    redraw: Callable[[Session, Problem], Response],
) -> Response:
    """Do `work` as an admin (it answers where to go next, with a "saved" toast); anyone else is refused, and a
    refusal of the work is drawn by `redraw` — the page again, the message beside the form that was sent."""
    refused = not_admin(request, agent)
    if refused is not None:
        return refused
    return act(request, agent.csrf, form, lambda session: go(work(session), done="saved"), redraw)
