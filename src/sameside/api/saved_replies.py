"""Saved replies: personal and shared answers with placeholders, filled in for a case, sent with their actions;
and the agent's signature, put under their email and portal replies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status

from sameside.api import presenters
from sameside.cases import queries as case_queries
from sameside.cases.access import case_for
from sameside.http.deps import AppSettings, ReadSession, StaffUser, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.kit.unset import UNSET
from sameside.saved_replies import queries, rules, service
from sameside.saved_replies.models import SavedReply
from sameside.saved_replies.schemas import (
    ActionsOut,
    FilledOut,
    SavedReplyIn,
    SavedReplyOut,
    SavedReplyPatch,
    SendIn,
    SentOut,
    SignatureIn,
    SignatureOut,
)

router = APIRouter(tags=["saved replies"])

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The saved reply's number")]
REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "A shared reply is kept by supervisors and admins"},
    404: {"description": "No such saved reply, or someone else's own"},
    422: {"description": "An unknown placeholder (named), bad syntax, or an action a reply cannot take"},
}
ON_CASE: dict[int | str, dict[str, Any]] = {
    403: {"description": "The case is not theirs to answer"},
    404: {"description": "No such saved reply or case for the caller"},
    422: {"description": "The reply cannot be sent as it is (a status the case cannot move to, no address)"},
}


def actions_out(actions: rules.Actions) -> ActionsOut:
    return ActionsOut(status=actions.status, priority=actions.priority, tags=list(actions.tags))


def reply_out(reply: SavedReply) -> SavedReplyOut:
    return SavedReplyOut(
        id=reply.id,
        title=reply.title,
        body=reply.body,
        shared=reply.shared,
        owner_id=reply.owner_id,
        team_id=reply.team_id,
        actions=actions_out(queries.actions_of(reply)),
        use_count=reply.use_count,
        last_used_at=reply.last_used_at,
        created_at=reply.created_at,
        updated_at=reply.updated_at,
    )


@router.get("/saved-replies", response_model=list[SavedReplyOut])
@offload
def list_replies(
    actor: StaffUser,
    session: ReadSession,
    q: Annotated[str, Query(max_length=rules.QUERY_MAX, description="Words in the title or text")] = "",
    scope: Annotated[Literal["mine", "shared"] | None, Query(description="Only your own, or only shared")] = None,
    limit: Annotated[int, Query(ge=1, le=queries.LIST_MAX)] = 50,
) -> list[SavedReplyOut]:
    """The saved replies you may use: yours, the shared ones for everyone and for your team (supervisors and
    admins: every shared one). Titles that match `q` first, then the most used."""
    return [reply_out(r) for r in queries.listed(session, actor, q=q, scope=scope, limit=limit)]


@router.post("/saved-replies", status_code=status.HTTP_201_CREATED, response_model=SavedReplyOut, responses=REFUSED)
@offload
@idempotent
def create_reply(body: SavedReplyIn, actor: StaffUser, write: Write) -> SavedReplyOut:
    """Save a reply: your own, or with `shared` (supervisors and admins) everyone's or one team's.
    Its placeholders are checked now, so it can never fail when it is sent."""
    with write() as session:
        made = service.create(
            session,
            actor,
            title=body.title,
            body=body.body,
            shared=body.shared,
            team_id=body.team_id,
            status=body.status,
            priority=body.priority,
            tags=body.tags,
        )
        return reply_out(made)


@router.get("/saved-replies/{reply_id}", response_model=SavedReplyOut, responses=REFUSED)
@offload
def read_reply(reply_id: Id, actor: StaffUser, session: ReadSession) -> SavedReplyOut:
    return reply_out(queries.reply_for(session, actor, reply_id))


@router.patch("/saved-replies/{reply_id}", response_model=SavedReplyOut, responses=REFUSED)
@offload
def edit_reply(reply_id: Id, body: SavedReplyPatch, actor: StaffUser, write: Write) -> SavedReplyOut:
    """Change what is given; `null` clears an action or the team. Yours, or (supervisors, admins) a shared one."""
    given = body.model_fields_set
    with write() as session:
        changed = service.edit(
            session,
            actor,
            reply_id,
            title=body.title,
            body=body.body,
            team_id=body.team_id if "team_id" in given else UNSET,
            status=body.status if "status" in given else UNSET,
            priority=body.priority if "priority" in given else UNSET,
            tags=body.tags,
        )
        return reply_out(changed)


@router.delete("/saved-replies/{reply_id}", status_code=status.HTTP_204_NO_CONTENT, responses=REFUSED)
@offload
def delete_reply(reply_id: Id, actor: StaffUser, write: Write) -> Response:
    with write() as session:
        service.delete(session, actor, reply_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/saved-replies/{reply_id}/render", response_model=FilledOut, responses=ON_CASE)
@offload
def render_reply(
    reply_id: Id,
    actor: StaffUser,
    session: ReadSession,
    case: Annotated[int, Query(ge=1, le=MAX_ID, description="The case number to fill it in for")],
) -> FilledOut:
    """The saved reply as it reads on the case: the customer's name and form of address, the case number, your
    name, the team's typical wait. Nothing is recorded; its use counts when a reply is sent with it."""
    filled = service.fill(session, actor, case_for(session, actor, case), reply_id)
    return FilledOut(
        id=filled.reply.id, title=filled.reply.title, text=filled.text, actions=actions_out(filled.actions)
    )


@router.post(
    "/saved-replies/{reply_id}/send", status_code=status.HTTP_201_CREATED, response_model=SentOut, responses=ON_CASE
)
@offload
@idempotent
def send_reply(reply_id: Id, body: SendIn, actor: StaffUser, write: Write, settings: AppSettings) -> SentOut:
    """Answer the case with the saved reply (or the text as you finished it): signed when it is a letter,
    its actions applied unless `apply_actions` is false, and its use counted."""
    with write() as session:
        case = case_for(session, actor, body.case_number, for_update=True)
        text = body.body if body.body is not None else service.fill(session, actor, case, reply_id).text
        entry = service.send(
            session,
            actor,
            case,
            text,
            saved_reply_id=reply_id,
            apply_actions=body.apply_actions,
            channel=body.channel,
            status=body.status,
            send_now=body.send_now,
            portal=f"{settings.base_url.rstrip('/')}/portal",
        )
        out = presenters.entry_out(case_queries.timeline_entry(session, entry.id))
        reply = queries.reply_for(session, actor, reply_id)
        return SentOut(**out.model_dump(), delivery=presenters.delivery_out(out), saved_reply=reply_out(reply))


@router.get("/staff/me/signature", response_model=SignatureOut)
@offload
def read_signature(actor: StaffUser, session: ReadSession) -> SignatureOut:
    """Your signature, put under your email and portal replies (not chat, not a note of a call)."""
    return SignatureOut(signature=queries.signature_of(session, actor.staff_id))


@router.put("/staff/me/signature", response_model=SignatureOut, responses={422: {"description": "Too long"}})
@offload
def set_signature(body: SignatureIn, actor: StaffUser, write: Write) -> SignatureOut:
    with write() as session:
        return SignatureOut(signature=service.set_signature(session, actor, body.signature))
