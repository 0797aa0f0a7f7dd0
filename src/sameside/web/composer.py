"""The reply composer's preview: the reply as the customer will read it, drawn by the server.

`POST /desk/cases/{n}/preview` takes the reply form as it stands (the
text, the channel chosen, the Cc) and answers with what "Send reply" would
send: the Markdown rendered by `kit.markdown` — the very HTML the portal
shows and the email carries — with the agent's signature where a letter
gets one, and where it would go. It changes nothing, but it reads the
customer's addresses, so it asks the form's CSRF token.

With JavaScript (`static/composer.js`) the "Preview" button opens a region
under the text that htmx fills from here, and keeps it in step as the agent
types. Without it, the same button posts the form here and the case page
comes back with the draft as typed and the preview under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from markupsafe import Markup

from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.cases.replies import copies, mailing
from sameside.cases.replies.rules import Email
from sameside.customers.rules import Channel
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit import clock, markdown
from sameside.kit.errors import DomainError
from sameside.kit.ids import MAX_ID
from sameside.saved_replies import queries as saved_queries
from sameside.saved_replies import rules as saved_rules
from sameside.web import case_page
from sameside.web.deps import Agent, DeskAgent, FormWithFiles, PageSession, PostedForm, refusal_of
from sameside.web.pages import page

router = APIRouter(include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
WHERE = {
    Channel.EMAIL: "by email",
    Channel.PORTAL: "on the portal; they are emailed a link to it",
    Channel.CHAT: "in the chat",
    Channel.PHONE: "written down as a call you made; nothing is sent",
}


@dataclass(frozen=True)
class Preview:
    """What "Send reply" would send, or why it could not."""

    html: Markup = field(default_factory=Markup)
    where: str = ""
    to: str | None = None
    cc: list[str] = field(default_factory=list)
    signed: bool = False
    problem: str | None = None


def preview_of(session: Session, agent: Agent, case: Case, form: PostedForm, *, portal: str) -> Preview:
    """The reply in `form` as its reader will see it (raises a domain error for a choice that would be refused)."""
    body = form.get("body").replace("\x00", "").strip()
    if not body:
        return Preview(problem="Nothing to preview yet: write your reply first.")
    try:
        requested = Channel(form.get("channel")) if form.get("channel") else None
    except ValueError:
        requested = None
    route = mailing.deliver(
        session,
        case,
        case.customer,
        requested=requested,
        send_now=form.get("send_now") == "1",
        automatic=False,
        portal=portal,
        now=clock.now(),
    ).route
    cc = copies.clean(session, case, form.get("cc"))
    if cc and route.email is not Email.REPLY:
        return Preview(problem="Cc goes only with a reply sent by email: answer on email, or remove the Cc.")
    signature = saved_queries.signature_of(session, agent.actor.staff_id)
    signed = bool(signature) and route.channel in saved_rules.SIGNED_CHANNELS
    text = saved_rules.signed(body, signature) if signed else body
    to = mailing.email_address_of(session, case.customer_id) if route.email is Email.REPLY else None
    return Preview(
        html=Markup(markdown.reply_html(text)),  # noqa: S704  (sanitised by kit.markdown's allowlist)
        where=WHERE.get(route.channel, route.channel.value),
        to=to,
        cc=cc,
        signed=signed,
    )


@router.post("/desk/cases/{number}/preview", response_model=None)
@offload
def preview(
    request: Request, number: CaseNumber, form: FormWithFiles, agent: DeskAgent, session: PageSession
) -> Response:
    """The preview under the reply box: a fragment for htmx, else the case page with the draft and the preview."""
    status = 200
    problem = refusal_of(form, agent.csrf, too_large="That is too long to preview.")
    if problem is not None:
        status, said = problem
        shown = Preview(problem=said)
    else:
        try:
            case = case_for(session, agent.actor, number)
            portal = f"{request.app.state.settings.base_url.rstrip('/')}/portal"
            shown = preview_of(session, agent, case, form, portal=portal)
        except DomainError as error:
            shown, status = Preview(problem=error.detail), error.status
    if request.headers.get("HX-Request") == "true":
        # Always swapped in (200): the message belongs in the preview, where the agent is looking.
        return page(request, "_composer_previewed.html", preview=shown)
    typed = dict(form.fields)
    typed.pop("csrf", None)
    said = shown.problem or "Your reply is shown below as they will read it; nothing is sent until you send it."
    return case_page.draw(
        request,
        session,
        agent,
        number,
        status_code=status,
        refused_form="reply",
        error=said,
        typed=typed,
        preview=None if shown.problem else shown,
    )
