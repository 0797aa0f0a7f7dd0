"""The admin centre's channels: where each channel's new cases go, inbound addresses, IMAP mailboxes (with a
connection test), the chat widget.

"Where new cases go" gives each channel (portal, chat, email, phone) a team, and a default team for the rest
(`cases.routing.homes`), as `/api/v1/channel-teams` does; a channel left on "the default team" follows it.

Mailboxes kept here are polled by `sameside imap` beside the environment's (`SAMESIDE_IMAP_MAILBOXES`), which
are listed read-only. A password is write-only: never drawn back into a page, and left empty when editing to
keep the stored one. Each form is a plain post; a refusal is drawn beside the form the admin used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from sameside.business import queries as business_queries
from sameside.business import service as business
from sameside.cases.routing import homes
from sameside.config import ImapMailbox
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.mailboxes.probe import Probe, probe
from sameside.staff import queries as staff_queries
from sameside.web.admin_pages import admin_act, admin_page, not_admin
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, refusal_of

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
MAILBOX_FIELDS = ("name", "host", "port", "username", "folder", "after", "team_id")
AFTER = [("seen", "Mark it read"), ("delete", "Delete it"), ("move:Filed", "Move it to the folder Filed")]
HOME_WORDS = {
    homes.DEFAULT: "Default team (every channel without its own)",
    "portal": "Portal requests",
    "chat": "Live chats",
    "email": "Email to an address or mailbox without a team",
    "phone": "Phone calls",
}
"""What the form calls each entry of `homes.CHANNELS`, in the order it lists them."""


@router.get("/desk/admin/channels", response_model=None)
@offload
def channels_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return not_admin(request, agent) or _channels(request, session, agent)


def _channels(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
    refused_form: str | None = None,
    typed: PostedForm | None = None,
    tested: tuple[str, Probe] | None = None,
) -> Response:
    settings = request.app.state.settings
    values: dict[str, Any] = {"address": "", "team_id": "", "port": "993", "folder": "INBOX", "after": "seen"}
    values |= {k: "" for k in MAILBOX_FIELDS if k not in values}
    values["ssl"] = True
    if typed is not None:
        values |= {k: v for k, v in typed.fields.items() if k in values}
        values["ssl"] = bool(typed.fields.get("ssl"))
    base = settings.base_url.rstrip("/")
    current = homes.homes(session)
    chosen = {c: str(current[c].id) if c in current else "" for c in homes.CHANNELS}
    if typed is not None and refused_form == "homes":
        chosen = {c: typed.get(f"home-{c}") for c in homes.CHANNELS}
    return admin_page(
        request,
        "desk_admin_channels.html",
        agent,
        "channels",
        status_code=problem[0] if problem else 200,
        error=problem[1] if problem else None,
        refused_form=refused_form if problem else None,
        addresses=business_queries.inbound_addresses(session),
        environment_addresses=sorted(a.strip().lower() for a in settings.mail_addresses if a.strip()),
        teams=business_queries.teams(session),
        mailboxes=business_queries.mailboxes(session),
        environment_mailboxes=settings.imap_mailboxes,
        after_choices=AFTER,
        snippet=f'<script src="{base}/widget.js" defer></script>',
        values=values,
        tested=tested,
        home_channels=[(c, HOME_WORDS.get(c, c)) for c in homes.CHANNELS],
        home_chosen=chosen,
        default_home=current.get(homes.DEFAULT),
    )


def _on_channels(
    request: Request, agent: Agent, form: PostedForm, key: str, work: Callable[[Session], str]
) -> Response:
    def redraw(session: Session, problem: Problem) -> Response:
        return _channels(request, session, agent, problem=problem, refused_form=key, typed=form)

    return admin_act(request, agent, form, work, redraw)


def _team_id(form: PostedForm) -> int | None:
    value = form.get("team_id").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise Invalid("Choose a team from the list.")
    return int(value)


# ---------------------------------------------------------------- where new cases go


@router.post("/desk/admin/channels/homes", response_model=None)
@offload
def set_homes(request: Request, agent: DeskAgent, form: Form) -> Response:
    """Every channel's team (and the default) at once, as chosen in the form; empty: none of its own."""

    def work(session: Session) -> str:
        for channel in homes.CHANNELS:
            value = form.get(f"home-{channel}").strip()
            if value and (not value.isdigit() or int(value) > MAX_ID):
                raise Invalid("Choose a team from the list.")
            team = staff_queries.get_team(session, int(value)) if value else None
            homes.set_home(session, agent.actor, channel, team)
        return "/desk/admin/channels?saved=homes#homes"

    return _on_channels(request, agent, form, "homes", work)


# ---------------------------------------------------------------- inbound addresses


@router.post("/desk/admin/channels/addresses", response_model=None)
@offload
def add_address(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        business.add_address(session, agent.actor, form.get("address"), _team_id(form))
        return "/desk/admin/channels#addresses"

    return _on_channels(request, agent, form, "address", work)


@router.post("/desk/admin/channels/addresses/{address_id}", response_model=None)
@offload
def change_address(request: Request, agent: DeskAgent, form: Form, address_id: Id) -> Response:
    def work(session: Session) -> str:
        if form.get("remove"):
            business.remove_address(session, agent.actor, address_id)
        else:
            business.set_address_team(session, agent.actor, address_id, _team_id(form))
        return "/desk/admin/channels#addresses"

    return _on_channels(request, agent, form, f"address-{address_id}", work)


# ---------------------------------------------------------------- IMAP mailboxes


def _mailbox_fields(form: PostedForm) -> dict[str, Any]:
    port = form.get("port").strip()
    if not port.isdigit() or len(port) > 5:
        raise Invalid(f"The port: {port!r} is not a number like 993.")
    return {
        "host": form.get("host"),
        "port": int(port),
        "ssl": bool(form.get("ssl")),
        "username": form.get("username"),
        "folder": form.get("folder"),
        "after": form.get("after"),
        "team_id": _team_id(form),
    }


@router.post("/desk/admin/channels/mailboxes", response_model=None)
@offload
def add_mailbox(request: Request, agent: DeskAgent, form: Form) -> Response:
    reserved = frozenset(m.name for m in request.app.state.settings.imap_mailboxes)

    def work(session: Session) -> str:
        business.add_mailbox(
            session,
            agent.actor,
            name=form.get("name"),
            password=form.get("password"),
            reserved=reserved,
            **_mailbox_fields(form),
        )
        return "/desk/admin/channels#mailboxes"

    return _on_channels(request, agent, form, "mailbox", work)


@router.post("/desk/admin/channels/mailboxes/{mailbox_id}", response_model=None)
@offload
def change_mailbox(request: Request, agent: DeskAgent, form: Form, mailbox_id: Id) -> Response:
    def work(session: Session) -> str:
        if form.get("remove"):
            business.remove_mailbox(session, agent.actor, mailbox_id)
        else:
            business.change_mailbox(
                session, agent.actor, mailbox_id, password=form.get("password") or None, **_mailbox_fields(form)
            )
        return "/desk/admin/channels#mailboxes"

    return _on_channels(request, agent, form, f"mailbox-{mailbox_id}", work)


@router.post("/desk/admin/channels/mailboxes/{mailbox_id}/test", response_model=None)
@offload
def test_mailbox(request: Request, agent: DeskAgent, session: PageSession, form: Form, mailbox_id: Id) -> Response:
    """Log in to a stored mailbox once, with a short timeout, and say what happened beside it."""
    return _test(
        request, agent, session, form, f"mailbox-{mailbox_id}", business_queries.imap_mailbox(session, mailbox_id)
    )


@router.post("/desk/admin/channels/environment-mailboxes/{name}/test", response_model=None)
@offload
def test_environment_mailbox(
    request: Request, agent: DeskAgent, session: PageSession, form: Form, name: str
) -> Response:
    """The same test for one of the environment's mailboxes, by its name."""
    found = next((m for m in request.app.state.settings.imap_mailboxes if m.name == name), None)
    return _test(request, agent, session, form, f"environment-{name}", found)


def _test(
    request: Request, agent: Agent, session: Session, form: PostedForm, key: str, mailbox: ImapMailbox | None
) -> Response:
    refused = not_admin(request, agent)
    if refused is not None:
        return refused
    problem = refusal_of(form, agent.csrf)
    if problem is not None:
        return _channels(request, session, agent, problem=problem, refused_form=key)
    if mailbox is None:
        return _channels(request, session, agent, problem=(404, "No such mailbox."), refused_form=key)
    return _channels(request, session, agent, tested=(key, probe(mailbox)))
