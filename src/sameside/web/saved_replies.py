"""Saved replies at the desk: the page that keeps them (and the agent's signature), and the composer's picker.

`/desk/saved-replies` lists the replies a person may use, searchable, theirs
and shared apart; anyone writes their own, supervisors and admins the shared
ones. A refused save (an unknown placeholder, say) is drawn again beside the
form with what was typed; with JavaScript `static/forms.js` shows the same
message inside the form without leaving the page.

In the case page's reply form (`_composer_saved_replies.html`): a search box
that asks `GET /desk/cases/{n}/saved-replies` as the agent types (htmx) and
lists the matches filled in for this case; choosing one puts its text at the
cursor in the reply box and remembers it in the hidden `saved_reply` field
(`static/saved_replies.js`). Without JavaScript the same buttons post the
reply form to `POST /desk/cases/{n}/saved-replies`, which draws the case page
again with the text added under the draft. When the reply is sent,
`desk.reply` calls `send_from_form`: signed, the saved reply's actions applied
(unless the agent unticked them) and its use counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sameside.attachments.rules import File
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, Priority
from sameside.customers.rules import Channel
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.saved_replies import placeholders, queries, rules, service
from sameside.saved_replies.models import SavedReply
from sameside.staff import queries as staff_queries
from sameside.web import case_page
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, go
from sameside.web.errors import desk_missing
from sameside.web.pages import page

router = APIRouter(include_in_schema=False)

ReplyId = Annotated[int, Path(ge=1, le=MAX_ID)]
CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
PICKER_MAX = 8
"""Matches shown under the composer's search box."""
STATUS_WORDS = {
    CaseStatus.OPEN: "open",
    CaseStatus.WAITING_ON_CUSTOMER: "waiting on the customer",
    CaseStatus.WAITING_ON_INTERNAL: "waiting on internal",
    CaseStatus.RESOLVED: "resolved",
}


def describe(actions: rules.Actions) -> str:
    """What sending it also does, in words: "sets it resolved · low priority · adds tags refund"."""
    said = []
    if actions.status is not None:
        said.append(f"leaves the case {STATUS_WORDS.get(actions.status, actions.status.value)}")
    if actions.priority is not None:
        said.append(f"{actions.priority.value} priority")
    if actions.tags:
        said.append("adds " + ("tag " if len(actions.tags) == 1 else "tags ") + ", ".join(actions.tags))
    return " · ".join(said)


# ---------------------------------------------------------------- the composer


def chosen(form: PostedForm) -> int | None:
    """The saved reply the reply form was written with, if any."""
    value = form.get("saved_reply").strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise Invalid("That saved reply is not one of the list; choose it again.")
    return int(value)


def send_from_form(
    session: Session,
    actor: StaffActor,
    case: Case,
    form: PostedForm,
    *,
    status: CaseStatus | None,
    channel: Channel | None,
    send_now: bool,
    portal: str,
    files: Sequence[File] = (),
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """The desk's "Send reply": signed, and with the saved reply it was written with, if any (`service.send`)."""
    return service.send(
        session,
        actor,
        case,
        form.get("body", ""),
        saved_reply_id=chosen(form),
        apply_actions=form.get("saved_actions") == "1",
        status=status,
        channel=channel,
        send_now=send_now,
        portal=portal,
        files=files,
        data=data,
    )


def _found(session: Session, actor: StaffActor, case: Case, q: str) -> list[tuple[queries.Filled, str]]:
    replies = queries.listed(session, actor, q=q, limit=PICKER_MAX)
    return [(f, describe(f.actions)) for f in queries.filled(session, actor, case, replies, now=clock.now())]


@router.get("/desk/cases/{number}/saved-replies", response_model=None)
@offload
def picker(
    request: Request,
    number: CaseNumber,
    agent: DeskAgent,
    session: PageSession,
    saved_q: Annotated[str, Query(max_length=rules.QUERY_MAX)] = "",
) -> Response:
    """The saved replies matching what is typed in the composer's search box, filled in for the case (a fragment)."""
    try:
        case = case_for(session, agent.actor, number)
        found = _found(session, agent.actor, case, saved_q)
    except DomainError as error:
        return page(request, "_saved_reply_found.html", status_code=error.status, problem=error.detail, found=[])
    return page(request, "_saved_reply_found.html", found=found, case_id=number, query=saved_q.strip())


@router.post("/desk/cases/{number}/saved-replies", response_model=None)
@offload
def picked(request: Request, number: CaseNumber, form: Form, agent: DeskAgent, session: PageSession) -> Response:
    """Without JavaScript: the reply form, posted by "Find" or by a saved reply's button. Nothing changes; the
    case page comes back with the draft as it was, the matches, or the chosen reply added under the draft."""
    typed = dict(form.fields)
    typed.pop("csrf", None)
    found: list[tuple[queries.Filled, str]] = []
    try:
        case = case_for(session, agent.actor, number)
        pick = form.get("saved_pick")
        if pick:
            if not pick.isdigit() or int(pick) > MAX_ID:
                raise Invalid("Choose a saved reply from the list.")
            filled = service.fill(session, agent.actor, case, int(pick))
            typed.update(
                body=rules.insert(form.get("body"), filled.text),
                saved_reply=str(filled.reply.id),
                saved_title=filled.reply.title,
                saved_words=describe(filled.actions),
                saved_q="",
            )
            message = f"“{filled.reply.title}” is in your reply: read it over, change what you like, then send."
        else:
            found = _found(session, agent.actor, case, form.get("saved_q"))
            message = "Choose a saved reply below." if found else "No saved reply matches; try other words."
    except DomainError as error:
        message = error.detail
    return case_page.draw(
        request, session, agent, number, refused_form="reply", error=message, typed=typed, saved_found=found
    )


# ---------------------------------------------------------------- the page that keeps them

FIELDS = ("title", "body", "shared", "team", "status", "priority", "tags")


def _values(reply: SavedReply | None, typed: PostedForm | None) -> dict[str, str]:
    values = {
        "title": reply.title if reply else "",
        "body": reply.body if reply else "",
        "shared": "1" if reply is not None and reply.shared else "",
        "team": str(reply.team_id) if reply and reply.team_id else "",
        "status": reply.status.value if reply and reply.status else "",
        "priority": reply.priority.value if reply and reply.priority else "",
        "tags": ", ".join(reply.tags or []) if reply else "",
    }
    if typed is not None:
        values.update({k: typed.get(k) for k in FIELDS})
    return values


def _preview(body: str) -> str:
    if not body.strip():
        return ""
    try:
        placeholders.check(body)
        return placeholders.render(body, placeholders.SAMPLE)
    except DomainError:
        return ""


def _common(session: Session, agent: Agent) -> dict[str, Any]:
    return {
        "placeholders": placeholders.listed(),
        "filters": sorted(placeholders.FILTERS),
        "statuses": [(s.value, STATUS_WORDS[s]) for s in rules.STATUSES],
        "priorities": [p.value for p in Priority],
        "teams": staff_queries.list_teams(session),
        "may_share": agent.actor.at_least(Role.SUPERVISOR),
    }


def _list_page(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    q: str = "",
    scope: str = "",
    problem: Problem | None = None,
    refused_form: str | None = None,
    typed: PostedForm | None = None,
) -> Response:
    replies = queries.listed(session, agent.actor, q=q, scope=scope or None)
    return page(
        request,
        "desk_saved_replies.html",
        status_code=problem[0] if problem else 200,
        agent=agent,
        replies=replies,
        q=q,
        scope=scope,
        words={r.id: describe(queries.actions_of(r)) for r in replies},
        team_names=queries.team_names(session),
        keeps={r.id: rules.may_keep(agent.actor, shared=r.shared, owner_id=r.owner_id) for r in replies},
        values=_values(None, typed if refused_form == "new" else None),
        signature=typed.get("signature")
        if typed and refused_form == "signature"
        else queries.signature_of(session, agent.actor.staff_id) or "",
        error=problem[1] if problem else None,
        refused_form=refused_form,
        deleted=request.query_params.get("deleted") == "1",
        **_common(session, agent),
    )


@router.get("/desk/saved-replies", response_model=None)
@offload
def saved_replies(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    q: Annotated[str, Query(max_length=rules.QUERY_MAX)] = "",
    scope: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    return _list_page(request, session, agent, q=q, scope=scope if scope in ("mine", "shared") else "")


def _fields(session: Session, form: PostedForm) -> dict[str, Any]:
    try:
        status = CaseStatus(form.get("status")) if form.get("status") else None
        priority = Priority(form.get("priority")) if form.get("priority") else None
    except ValueError:
        raise Invalid("Choose the status and priority from the lists.") from None
    team = form.get("team")
    if team and (not team.isdigit() or int(team) > MAX_ID):
        raise Invalid("Choose a team from the list.")
    return {
        "title": form.get("title"),
        "body": form.get("body"),
        "team_id": int(team) if team else None,
        "status": status,
        "priority": priority,
        "tags": rules.parse_tags(form.get("tags")),
    }


@router.post("/desk/saved-replies", response_model=None)
@offload
def create(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        made = service.create(session, agent.actor, shared=form.get("shared") == "1", **_fields(session, form))
        return go(f"/desk/saved-replies#reply-{made.id}", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _list_page(request, session, agent, problem=problem, refused_form="new", typed=form)

    return act(request, agent.csrf, form, work, refused)


@router.post("/desk/saved-replies/signature", response_model=None)
@offload
def signature(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        service.set_signature(session, agent.actor, form.get("signature"))
        return go("/desk/saved-replies#signature", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _list_page(request, session, agent, problem=problem, refused_form="signature", typed=form)

    return act(request, agent.csrf, form, work, refused)


def _editor(
    request: Request,
    session: Session,
    agent: Agent,
    reply_id: int,
    *,
    problem: Problem | None = None,
    typed: PostedForm | None = None,
) -> Response:
    try:
        reply = queries.reply_for(session, agent.actor, reply_id)
    except DomainError as error:
        return desk_missing(request, error.detail, status_code=error.status)
    values = _values(reply, typed)
    return page(
        request,
        "desk_saved_reply.html",
        status_code=problem[0] if problem else 200,
        agent=agent,
        reply=reply,
        values=values,
        words=describe(queries.actions_of(reply)),
        may_keep=rules.may_keep(agent.actor, shared=reply.shared, owner_id=reply.owner_id),
        preview=_preview(values["body"]),
        error=problem[1] if problem else None,
        refused_form="edit" if problem else None,
        **_common(session, agent),
    )


@router.get("/desk/saved-replies/{reply_id}", response_model=None)
@offload
def edit_page(request: Request, reply_id: ReplyId, agent: DeskAgent, session: PageSession) -> Response:
    return _editor(request, session, agent, reply_id)


@router.post("/desk/saved-replies/{reply_id}", response_model=None)
@offload
def save(request: Request, reply_id: ReplyId, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        service.edit(session, agent.actor, reply_id, **_fields(session, form))
        return go(f"/desk/saved-replies/{reply_id}", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _editor(request, session, agent, reply_id, problem=problem, typed=form)

    return act(request, agent.csrf, form, work, refused)


@router.post("/desk/saved-replies/{reply_id}/delete", response_model=None)
@offload
def delete(request: Request, reply_id: ReplyId, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        service.delete(session, agent.actor, reply_id)
        return go("/desk/saved-replies?deleted=1")

    def refused(session: Session, problem: Problem) -> Response:
        return _editor(request, session, agent, reply_id, problem=problem)

    return act(request, agent.csrf, form, work, refused)
