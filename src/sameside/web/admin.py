"""The admin centre: its index, API tokens and the mail quarantine (people: `admin_people`, teams: `admin_teams`).

Admins only; anyone else gets the desk's refusal (`admin_pages.not_admin`).
The quarantine shows a message as plain text — its HTML is never rendered,
only its text part (or the text made from its HTML) — and offers the raw
message as an `.eml` download and a reprocess button that says what became
of it (the download is the API's `GET /api/v1/admin/mail/{id}/raw`, which a signed-in
admin's browser may fetch with its session). Tokens are shown once, on the page that answers their creation.
"""

from __future__ import annotations

from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sameside.auth import service as auth
from sameside.auth import staff_access
from sameside.db.engine import Session
from sameside.http.deps import database
from sameside.http.offload import offload
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.mail import parse as mail_parse
from sameside.mail import queries as mail_queries
from sameside.mail.models import InboundState
from sameside.staff import queries as staff_queries
from sameside.web.admin_pages import admin_page, not_admin
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, go, refusal_of

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PAGE = 50
SHOWN_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID")
TEXT_LIMIT = 200_000


@router.get("/desk/admin", response_model=None)
@offload
def admin_index(request: Request, agent: DeskAgent) -> Response:
    return not_admin(request, agent) or admin_page(request, "desk_admin.html", agent, "index")


# ------------------------------------------------------------------ API tokens


def _tokens(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
    typed: PostedForm | None = None,
    new_token: str | None = None,
    new_owner: str | None = None,
) -> Response:
    return admin_page(
        request,
        "desk_admin_tokens.html",
        agent,
        "tokens",
        status_code=problem[0] if problem else 200,
        rows=staff_access.every_token(session, agent.actor),
        staff=staff_queries.active_colleagues(session),
        error=problem[1] if problem else None,
        refused_form="create" if problem else None,
        typed=typed.fields if typed is not None and problem else {},
        new_token=new_token,
        new_owner=new_owner,
    )


@router.get("/desk/admin/tokens", response_model=None)
@offload
def tokens(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return not_admin(request, agent) or _tokens(request, session, agent)


@router.post("/desk/admin/tokens", response_model=None)
@offload
def create_token(request: Request, agent: DeskAgent, form: Form) -> Response:
    """Make a token and show it on the answer, once: it is not kept, so it is never shown again."""
    refused = not_admin(request, agent)
    if refused is not None:
        return refused

    def work(session: Session) -> Response:
        owner_id = form.get("staff_id") or str(agent.actor.staff_id)
        if not owner_id.isdigit() or int(owner_id) > MAX_ID:
            raise Invalid("Choose whose token it is from the list.")
        owner = staff_queries.get_staff(session, int(owner_id))
        _, plaintext = auth.create_api_token(session, agent.actor, owner, form.get("name"))
        session.flush()
        return _tokens(request, session, agent, new_token=plaintext, new_owner=owner.name)

    def again(session: Session, problem: Problem) -> Response:
        return _tokens(request, session, agent, problem=problem, typed=form)

    answer = act(request, agent.csrf, form, work, again)
    answer.headers["Cache-Control"] = "no-store"
    return answer


@router.post("/desk/admin/tokens/{token_id}/revoke", response_model=None)
@offload
def revoke_token(request: Request, agent: DeskAgent, token_id: Id, form: Form) -> Response:
    refused = not_admin(request, agent)
    if refused is not None:
        return refused

    def work(session: Session) -> Response:
        auth.revoke_api_token(session, agent.actor, token_id)
        return go(f"/desk/admin/tokens#token-{token_id}", done="saved")

    def again(session: Session, problem: Problem) -> Response:
        return _tokens(request, session, agent, problem=problem)

    return act(request, agent.csrf, form, work, again)


# ------------------------------------------------------------------ the mail quarantine


@router.get("/desk/admin/quarantine", response_model=None)
@offload
def quarantine(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    refused = not_admin(request, agent)
    if refused is not None:
        return refused
    rows = mail_queries.inbound_page(session, state=InboundState.QUARANTINED, before=before, limit=PAGE + 1)
    return admin_page(
        request,
        "desk_admin_quarantine.html",
        agent,
        "quarantine",
        rows=rows[:PAGE],
        next_before=rows[PAGE - 1].id if len(rows) > PAGE else None,
    )


def _headers(raw: bytes) -> list[tuple[str, str]]:
    parsed = BytesHeaderParser().parsebytes(raw[: 256 * 1024])
    shown: list[tuple[str, str]] = []
    for name in SHOWN_HEADERS:
        value = parsed.get(name)
        if value is None:
            continue
        try:
            text = str(make_header(decode_header(str(value))))
        except (ValueError, LookupError, UnicodeError):
            text = str(value)
        shown.append((name, " ".join(text.split())[:1000]))
    return shown


def _text(raw: bytes) -> str:
    """The message's words as plain text (its text part, else the text of its HTML); never its HTML."""
    try:
        text = mail_parse.parse(raw).text
    except mail_parse.MalformedMail as error:
        return f"(This message could not be read as email: {error}. Download it to look at the raw bytes.)"
    return text[:TEXT_LIMIT] if text.strip() else "(The message has no text.)"


def _message(
    request: Request,
    session: Session,
    agent: Agent,
    inbound_id: int,
    *,
    outcome: str | None = None,
    problem: Problem | None = None,
) -> Response:
    row = mail_queries.inbound(session, inbound_id)
    return admin_page(
        request,
        "desk_admin_mail.html",
        agent,
        "quarantine",
        row=row,
        headers=_headers(row.raw),
        text=_text(row.raw),
        status_code=problem[0] if problem else 200,
        error=problem[1] if problem else None,
        outcome=outcome if outcome in {s.value for s in InboundState} else None,
    )


@router.get("/desk/admin/quarantine/{inbound_id}", response_model=None)
@offload
def quarantined_message(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    inbound_id: Id,
    outcome: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    refused = not_admin(request, agent)
    if refused is not None:
        return refused
    return _message(request, session, agent, inbound_id, outcome=outcome)


@router.post("/desk/admin/quarantine/{inbound_id}/reprocess", response_model=None)
@offload
def reprocess(request: Request, agent: DeskAgent, inbound_id: Id, form: Form) -> Response:
    """File the message again (after a fix); the page then says what became of it."""
    refused = not_admin(request, agent)
    if refused is not None:
        return refused
    problem = refusal_of(form, agent.csrf)
    if problem is None:
        try:
            with database(request).unit_of_work(write=False) as session:
                mail_queries.inbound(session, inbound_id)  # a 404 before any work
            outcome = request.app.state.intake().reprocess(inbound_id)
            return go(f"/desk/admin/quarantine/{inbound_id}?outcome={outcome.state.value}", done="saved")
        except DomainError as error:
            problem = (error.status, error.detail)
    with database(request).unit_of_work(write=False) as session:
        answer = _message(request, session, agent, inbound_id, problem=problem)
    answer.headers["HX-Push-Url"] = "false"
    return answer
