"""The survey's pages: the one an email link opens (a GET never records), and the portal's answer and opt-out.

Mail scanners open links, so a link only shows the question with its answer
preselected and a box for a comment; the POST from that page records, with
the link's signature as the permission (no sign-in: the email reached the
customer). On the portal the same question sits on the case's page
(`survey_panel`), and the preferences page has "ask me after a case is solved".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sameside.contact import service as contact
from sameside.db.engine import Session
from sameside.http.deps import Write
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.surveys import links as survey_links
from sameside.surveys import rules
from sameside.surveys import service as surveys
from sameside.surveys.models import Survey
from sameside.surveys.rules import SurveyState, Via
from sameside.web.deps import Form, PageSession, PortalCustomer, Problem, act, go
from sameside.web.errors import portal_missing
from sameside.web.pages import page
from sameside.web.portal import draw_case

router = APIRouter(include_in_schema=False)

SurveyId = Annotated[int, Path(ge=1, le=MAX_ID)]
Score = Annotated[int, Path(ge=1, le=5)]
Expires = Annotated[int, Query(ge=0, le=2**40)]
Signature = Annotated[str, Query(max_length=100)]

BAD_LINK = "This link is not valid or has expired. Reply to our email, or sign in to your cases, and we will help."
TOO_LONG = "That is too long to send: please keep the comment shorter."


@router.get("/surveys/{survey_id}/{score}", response_class=HTMLResponse)
@offload
def question(
    request: Request,
    survey_id: SurveyId,
    score: Score,
    session: PageSession,
    expires: Expires = 0,
    signature: Signature = "",
) -> HTMLResponse:
    """The question with the clicked answer preselected and a comment box; nothing is recorded here."""
    if not _valid(request, survey_id, expires, signature):
        return page(request, "survey_answer.html", status_code=404, error=BAD_LINK)
    survey = session.get(Survey, survey_id)
    if survey is None or survey.state is SurveyState.SKIPPED:
        return page(request, "survey_answer.html", status_code=404, error=BAD_LINK)
    return _page(request, survey, chosen=score, expires=expires, signature=signature)


@router.post("/surveys/{survey_id}/{score}", response_class=HTMLResponse)
@offload
def record(request: Request, survey_id: SurveyId, score: Score, form: Form, write: Write) -> HTMLResponse:
    """Record the answer chosen on the page (it may differ from the link's); again: the answer replaced."""
    expires, signature = form.get("expires", ""), form.get("signature", "")
    if not expires.isdigit() or not _valid(request, survey_id, int(expires), signature):
        return page(request, "survey_answer.html", status_code=404, error=BAD_LINK)
    picked = form.get("score", str(score))
    comment = form.get("comment", "")
    with write() as session:
        try:
            if not picked.isdigit():
                raise Invalid("Choose how well we solved it, from “Not at all” to “Completely”.")
            survey = surveys.answer(session, survey_id, int(picked), comment, via=Via.EMAIL, customer=None)
        except DomainError as error:
            session.rollback()
            current = session.get(Survey, survey_id)
            if current is None:
                return page(request, "survey_answer.html", status_code=404, error=BAD_LINK)
            chosen = int(picked) if picked.isdigit() and int(picked) in rules.WORDS else score
            return _page(
                request,
                current,
                chosen=chosen,
                expires=int(expires),
                signature=signature,
                error=error.detail,
                status=error.status,
                comment=comment,
            )
        return _page(request, survey, chosen=survey.score or score, done=True)


def _valid(request: Request, survey_id: int, expires: int, signature: str) -> bool:
    return survey_links.valid(request.app.state.link_key, survey_id, expires, signature, now=clock.now())


def _page(
    request: Request,
    survey: Survey,
    *,
    chosen: int,
    expires: int = 0,
    signature: str = "",
    error: str | None = None,
    status: int = 200,
    done: bool = False,
    comment: str | None = None,
) -> HTMLResponse:
    closed = survey.expires_at is not None and clock.now() >= survey.expires_at
    return page(
        request,
        "survey_answer.html",
        status_code=status,
        survey=survey,
        question=rules.QUESTION,
        scale=rules.SCALE,
        words=rules.WORDS,
        chosen=chosen,
        closed=closed,
        expires=expires,
        signature=signature,
        error=error,
        done=done,
        comment=survey.comment if comment is None else comment,
    )


# ---------------------------------------------------------------- the portal


@router.post("/portal/surveys/{survey_id}", response_model=None)
@offload
def answer_in_portal(request: Request, survey_id: SurveyId, form: Form, me: PortalCustomer) -> Response:
    number = form.get("case")

    def work(session: Session) -> Response:
        picked = form.get("score")
        if not picked.isdigit():
            raise Invalid("Choose how well we solved it, from “Not at all” to “Completely”.")
        survey = surveys.answer(session, survey_id, int(picked), form.get("comment"), via=Via.PORTAL, customer=me.actor)
        return go(f"/portal/cases/{survey.case_id}#survey", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        case_number = int(number) if number.isdigit() and int(number) <= MAX_ID else 0
        typed = {"score": form.get("score"), "comment": form.get("comment")}
        return draw_case(
            request, session, me.actor, case_number, status_code=status, survey_error=error, survey_typed=typed
        )

    return act(request, me.csrf, form, work, refused, too_large=TOO_LONG)


@router.post("/portal/preferences/surveys", response_model=None)
@offload
def choose_surveys(request: Request, form: Form, me: PortalCustomer) -> Response:
    """The customer says whether to ask them how it went after a case is solved."""

    def work(session: Session) -> Response:
        contact.choose_surveys(session, me.actor, me.actor.customer_id, wanted=form.get("surveys") == "yes")
        return go("/portal/preferences#surveys", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return portal_missing(request, me.actor, problem[1], status_code=problem[0])

    return act(request, me.csrf, form, work, refused)
