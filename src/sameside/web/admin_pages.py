"""What every admin centre page shares: who may open it, and its section links."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from sameside.kit.actors import Role
from sameside.web.deps import Agent
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
    Section("service-levels", "Service levels", "/desk/service-levels", "Targets per priority, per team."),
    Section(
        "quarantine", "Mail quarantine", "/desk/admin/quarantine", "Mail that could not be filed: read, reprocess."
    ),
    Section("tokens", "API tokens", "/desk/admin/tokens", "Tokens for integrations: create, see, revoke."),
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
