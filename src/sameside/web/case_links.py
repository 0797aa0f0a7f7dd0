"""Merge, link and split from the case page (`cases.links`).

Plain forms in the toolbar's dialogs (and a button on each later customer
message for a split). Accepted, the agent lands where the work goes on —
the case that stays, the new case — with a confirmation; refused, the case
page is drawn again with the message in the form they sent (with
JavaScript, `static/forms.js` shows it in the open dialog instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from sameside.cases.access import case_for
from sameside.cases.links import service
from sameside.cases.models import Case
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.web import case_page
from sameside.web.deps import Agent, DeskAgent, Form, PostedForm, Problem, act, go

router = APIRouter(prefix="/desk", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]


def _act(
    request: Request,
    agent: Agent,
    number: int,
    form: PostedForm,
    work: Callable[[Session, Case], str],
    *,
    name: str,
) -> Response:
    """Run one change on case `number`; `work` answers where to go next."""

    def change(session: Session) -> Response:
        return go(work(session, case_for(session, agent.actor, number, for_update=True)), done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return case_page.draw(
            request, session, agent, number, status_code=status, error=error, refused_form=name, typed=form.fields
        )

    return act(request, agent.csrf, form, change, refused)


def _number(value: str, what: str) -> int:
    value = value.strip().lstrip("#").strip()
    if not value:
        raise Invalid(f"Choose {what}, or write its number.")
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise Invalid(f"“{value[:20]}” is not a case number: write digits only, like 1042.")
    return int(value)


@router.post("/cases/{number}/merge", response_model=None)
@offload
def merge(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, duplicate: Case) -> str:
        into = _number(form.get("into_number") or form.get("into"), "the case to merge into")
        survivor = case_for(session, agent.actor, into, for_update=True)
        service.merge(session, agent.actor, duplicate, survivor)
        return f"/desk/cases/{survivor.id}#latest"

    return _act(request, agent, number, form, work, name="merge")


@router.post("/cases/{number}/links", response_model=None)
@offload
def link(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> str:
        other = case_for(session, agent.actor, _number(form.get("case"), "the related case"))
        service.link(session, agent.actor, case, other)
        return f"/desk/cases/{case.id}#case-links"

    return _act(request, agent, number, form, work, name="link")


@router.post("/cases/{number}/links/{other}/remove", response_model=None)
@offload
def unlink(request: Request, number: CaseNumber, other: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> str:
        service.unlink(session, agent.actor, case, other)
        return f"/desk/cases/{case.id}#case-links"

    return _act(request, agent, number, form, work, name="unlink")


@router.post("/cases/{number}/split", response_model=None)
@offload
def split(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    entry = form.get("entry")

    def work(session: Session, case: Case) -> str:
        new = service.split(session, agent.actor, case, _number(entry, "a message"))
        return f"/desk/cases/{new.id}"

    return _act(request, agent, number, form, work, name=f"split-{entry}" if entry.isdigit() else "split")
