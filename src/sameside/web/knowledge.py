"""The knowledge base's pages: staff write articles at the desk; everyone reads the public help centre at /help.

Desk: the list (`/desk/knowledge`), the editor with a preview of the
Markdown as readers will see it, and each article's revisions. Every form
is a plain post through `act`, so a refusal is drawn again beside the form
with what was typed, with or without JavaScript.

Help centre: search by question, categories, article pages with "this
helped", and `GET /help/suggest?q=` — an HTML fragment of the articles that
fit what a customer is writing, for the portal's new-request form and the
chat (`_answers_beside.html`: it sits beside the form, never in front of
its send button). `_case_answers.html` is the case page's panel; the case
page gets its data from `knowledge.queries.suggestions_for_case`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sameside.cases.access import case_for
from sameside.db.engine import Session
from sameside.http.deps import database
from sameside.http.offload import offload
from sameside.kit import markdown as render
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import DomainError
from sameside.kit.ids import MAX_ID
from sameside.kit.languages import LANGUAGES
from sameside.knowledge import queries, reading, rules, service
from sameside.knowledge.models import Article
from sameside.knowledge.rules import ArticleState, Visibility
from sameside.staff import queries as staff_queries
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, go, viewer_of
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS

router = APIRouter(include_in_schema=False)

ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]
CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
FIELDS = ("title", "body", "category", "language", "visibility")


def _desk(request: Request, agent: Agent, name: str, status_code: int = 200, **context: Any) -> Response:
    return page(request, name, status_code=status_code, agent=agent, views=VIEWS, current=None, **context)


# ---------------------------------------------------------------- the desk


@router.get("/desk/knowledge", response_model=None)
@offload
def knowledge_list(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    state: Annotated[str, Query(max_length=20)] = "",
    category: Annotated[str, Query(max_length=rules.CATEGORY_MAX)] = "",
    review: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    wanted = ArticleState(state) if state in {s.value for s in ArticleState} else None
    found = queries.articles(session, staff=True, state=wanted, category=category or None, limit=500)
    still = reading.still_wrote(session, [a.id for a in found])
    if review:
        found = [a for a in found if a.id in still and still[a.id].needs_review]
    return _desk(
        request,
        agent,
        "desk_knowledge.html",
        articles=found,
        still=still,
        categories=queries.categories(session, staff=True),
        asked={"state": state, "category": category, "review": review},
    )


def _editor(
    request: Request,
    agent: Agent,
    article: Article | None,
    *,
    status_code: int = 200,
    error: str | None = None,
    typed: PostedForm | None = None,
    preview: bool = False,
    still: reading.StillWrote | None = None,
) -> Response:
    values = {
        "title": article.title if article else "",
        "body": article.body if article else "",
        "category": article.category if article else "",
        "language": article.language if article else "en",
        "visibility": article.visibility.value if article else Visibility.INTERNAL.value,
        "version": str(article.version) if article else "",
    }
    if typed is not None:
        values.update({k: typed.get(k) for k in (*FIELDS, "version") if k in typed.fields})
    shown = values["body"] if (preview or article is not None) else ""
    return _desk(
        request,
        agent,
        "desk_knowledge_edit.html",
        status_code=status_code,
        article=article,
        values=values,
        preview_html=render.to_html(shown) if shown.strip() else "",
        previewing=preview,
        still=still,
        languages=LANGUAGES,
        error=error,
        refused_form=error is not None,
    )


@router.get("/desk/knowledge/new", response_model=None)
@offload
def new_article(request: Request, agent: DeskAgent) -> Response:
    return _editor(request, agent, None)


def _fields(form: PostedForm) -> dict[str, Any]:
    visibility = form.get("visibility", Visibility.INTERNAL.value)
    return {
        "title": form.get("title"),
        "body": form.get("body"),
        "category": form.get("category"),
        "language": form.get("language", "en") or "en",
        "visibility": Visibility.PUBLIC if visibility == Visibility.PUBLIC.value else Visibility.INTERNAL,
    }


@router.post("/desk/knowledge", response_model=None)
@offload
def create_article(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> Response:
        made = service.create(session, agent.actor, **_fields(form), publish=form.get("publish") == "1")
        return go(f"/desk/knowledge/{made.id}", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        return _editor(request, agent, None, status_code=problem[0], error=problem[1], typed=form, preview=True)

    return act(request, agent.csrf, form, work, refused)


@router.post("/desk/knowledge/preview", response_model=None)
@offload
def preview_new(request: Request, agent: DeskAgent, form: Form) -> Response:
    """The editor again with what was typed, and the body drawn as readers will see it; nothing is saved."""
    return _editor(request, agent, None, typed=form, preview=True)


@router.get("/desk/knowledge/{article_id}", response_model=None)
@offload
def edit_article(request: Request, agent: DeskAgent, session: PageSession, article_id: ArticleId) -> Response:
    try:
        article = queries.article(session, article_id, staff=True)
    except DomainError as error:
        return page(request, "desk_not_found.html", status_code=error.status, error=error.detail)
    return _editor(request, agent, article, still=reading.still_wrote(session, [article.id]).get(article.id))


def _refused_on(request: Request, agent: Agent, article_id: int, form: PostedForm) -> Any:
    def refused(session: Session, problem: Problem) -> Response:
        try:
            article = queries.article(session, article_id, staff=True)
        except DomainError as error:
            return page(request, "desk_not_found.html", status_code=error.status, error=error.detail)
        return _editor(request, agent, article, status_code=problem[0], error=problem[1], typed=form, preview=True)

    return refused


@router.post("/desk/knowledge/{article_id}", response_model=None)
@offload
def save_article(request: Request, agent: DeskAgent, article_id: ArticleId, form: Form) -> Response:
    def work(session: Session) -> Response:
        version = form.get("version")
        service.edit(
            session, agent.actor, article_id, **_fields(form), version=int(version) if version.isdigit() else None
        )
        return go(f"/desk/knowledge/{article_id}", done="saved")

    return act(request, agent.csrf, form, work, _refused_on(request, agent, article_id, form))


@router.post("/desk/knowledge/{article_id}/preview", response_model=None)
@offload
def preview_edit(
    request: Request, agent: DeskAgent, session: PageSession, article_id: ArticleId, form: Form
) -> Response:
    try:
        article = queries.article(session, article_id, staff=True)
    except DomainError as error:
        return page(request, "desk_not_found.html", status_code=error.status, error=error.detail)
    return _editor(request, agent, article, typed=form, preview=True)


@router.post("/desk/knowledge/{article_id}/publish", response_model=None)
@offload
def publish_article(request: Request, agent: DeskAgent, article_id: ArticleId, form: Form) -> Response:
    published = form.get("published") == "1"

    def work(session: Session) -> Response:
        service.set_published(session, agent.actor, article_id, published)
        return go(f"/desk/knowledge/{article_id}", done="saved")

    return act(request, agent.csrf, form, work, _refused_on(request, agent, article_id, form))


@router.get("/desk/knowledge/{article_id}/revisions", response_model=None)
@offload
def article_revisions(request: Request, agent: DeskAgent, session: PageSession, article_id: ArticleId) -> Response:
    try:
        article = queries.article(session, article_id, staff=True)
    except DomainError as error:
        return page(request, "desk_not_found.html", status_code=error.status, error=error.detail)
    revisions = queries.revisions(session, article_id)
    names: dict[int, str] = {}
    for staff_id in {r.changed_by for r in revisions if r.changed_by is not None}:
        try:
            names[staff_id] = staff_queries.get_staff(session, staff_id).name
        except DomainError:
            continue
    return _desk(
        request,
        agent,
        "desk_knowledge_revisions.html",
        article=article,
        revisions=revisions,
        staff_names=names,
        cases=queries.cases_helped(session, article_id),
        still=reading.still_wrote(session, [article_id]).get(article_id),
        after_reading=reading.cases_after_reading(session, article_id),
        reviewed=request.query_params.get("done") == "reviewed",
    )


@router.post("/desk/knowledge/{article_id}/reviewed", response_model=None)
@offload
def mark_reviewed(request: Request, agent: DeskAgent, article_id: ArticleId, form: Form) -> Response:
    """The editor looked at what readers still wrote about and the article stands: the count starts again."""

    def work(session: Session) -> Response:
        reading.mark_reviewed(session, agent.actor, article_id)
        return go(f"/desk/knowledge/{article_id}/revisions", done="reviewed")

    return act(request, agent.csrf, form, work, _refused_on(request, agent, article_id, form))


@router.get("/desk/cases/{number}/answers", response_model=None)
@offload
def case_answers(request: Request, number: CaseNumber, agent: DeskAgent, session: PageSession) -> Response:
    """The articles and solved cases that may answer this case: a fragment the case page loads after it is drawn
    (so the page never waits for retrieval), or a page of its own without JavaScript."""
    try:
        case = case_for(session, agent.actor, number)
    except DomainError as error:
        return _desk(request, agent, "desk_refused.html", status_code=error.status, error=error.detail)
    answers = queries.suggestions_for_case(session, case)
    if request.headers.get("HX-Request"):
        return page(request, "_case_answers.html", case=case, answers=answers)
    return _desk(request, agent, "desk_case_answers.html", case=case, answers=answers)


@router.post("/desk/cases/{number}/knowledge/{article_id}/used", response_model=None)
@offload
def used_on_case(request: Request, agent: DeskAgent, number: CaseNumber, article_id: ArticleId, form: Form) -> Response:
    """The case page's "insert" records that the article was used on the case (and links them)."""

    def work(session: Session) -> Response:
        service.record_use(session, agent.actor, article_id, case_for(session, agent.actor, number))
        if request.headers.get("HX-Request"):
            return Response(status_code=204)
        return go(f"/desk/cases/{number}")

    def refused(session: Session, problem: Problem) -> Response:
        return page(request, "desk_refused.html", status_code=problem[0], error=problem[1])

    return act(request, agent.csrf, form, work, refused)


# ---------------------------------------------------------------- the help centre


@router.get("/help", response_model=None)
@offload
def help_centre(
    request: Request,
    session: PageSession,
    q: Annotated[str, Query(max_length=rules.QUERY_MAX)] = "",
    category: Annotated[str, Query(max_length=rules.CATEGORY_MAX)] = "",
) -> Response:
    staff = isinstance(viewer_of(request, session).actor, StaffActor)
    answers = queries.find(session, q, staff=False, limit=8, cases=False) if q.strip() else None
    listed = queries.articles(session, staff=False, category=category, limit=200) if category else None
    return page(
        request,
        "help_home.html",
        q=q,
        category=category,
        answers=answers,
        listed=listed,
        categories=queries.categories(session, staff=False),
        staff_viewer=staff,
    )


@router.get("/help/suggest", response_model=None)
@offload
def suggest(
    request: Request,
    session: PageSession,
    q: Annotated[str, Query(max_length=4000)] = "",
    body: Annotated[str, Query(max_length=4000)] = "",
) -> Response:
    """Articles that fit what a customer is writing (a fragment; empty when nothing fits or little is written).

    `q`, or `body`: htmx sends the textarea's own value under its name. Any site may read it (the chat
    widget runs on the company's own site); it holds only what the public help centre shows anyone.
    """
    q = q or body
    answers = queries.find(session, q, staff=False, limit=3, cases=False) if len(q.split()) >= 3 else None
    drawn = page(request, "_answers_beside.html", answers=answers)
    # The chat widget asks from other sites; what it reads is public articles, and it sends no cookie.
    drawn.headers["Access-Control-Allow-Origin"] = "*"
    return drawn


@router.get("/help/articles/{article_id}", response_model=None)
@offload
def help_article_by_id(
    request: Request, session: PageSession, article_id: ArticleId, helped: Annotated[int, Query(ge=0, le=1)] = 0
) -> Response:
    return _help_article(request, session, article_id, helped)


@router.get("/help/articles/{article_id}/{slug}", response_model=None)
@offload
def help_article(
    request: Request,
    session: PageSession,
    article_id: ArticleId,
    slug: Annotated[str, Path(max_length=100)],
    helped: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    """An article of the help centre; the slug is for people reading the address, the id finds it."""
    return _help_article(request, session, article_id, helped)


def _help_article(request: Request, session: Session, article_id: int, helped: int) -> Response:
    try:
        article = queries.article(session, article_id, staff=False)
    except DomainError as error:
        return page(request, "not_found.html", status_code=error.status, error=error.detail)
    _count_read(request, article)
    return page(
        request,
        "help_article.html",
        article=article,
        body_html=render.to_html(article.body),
        thanked=bool(helped),
    )


def _count_read(request: Request, article: Article) -> None:
    """A signed-in customer read it: kept, to see whether they still write (`knowledge.reading`)."""
    actor = viewer_of(request).actor
    if isinstance(actor, CustomerActor):
        reading.count_read(database(request), actor, article)


@router.post("/help/articles/{article_id}/helped", response_model=None)
@offload
def help_helped(request: Request, article_id: ArticleId) -> Response:
    """Count "this helped" (no sign-in needed: it only counts), then back to the article with a thank-you."""
    actor = viewer_of(request).actor
    try:
        with database(request).unit_of_work() as session:
            service.record_helped(session, actor, article_id)
            slug = queries.article(session, article_id, staff=False).slug
    except DomainError as error:
        return page(request, "not_found.html", status_code=error.status, error=error.detail)
    return go(f"/help/articles/{article_id}/{slug}?" + urlencode({"helped": 1}))
