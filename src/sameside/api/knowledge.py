"""The knowledge base (P13): articles, their revisions, search by meaning and words, and where they helped."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from sameside.cases.access import case_for
from sameside.db.engine import Session
from sameside.http.deps import MaybeUser, ReadSession, StaffUser, Write
from sameside.http.offload import offload
from sameside.kit import markdown as render
from sameside.kit.actors import StaffActor
from sameside.kit.ids import MAX_ID
from sameside.knowledge import queries, reading, rules, service
from sameside.knowledge.models import Article, ArticleUse
from sameside.knowledge.rules import ArticleState, Visibility
from sameside.knowledge.schemas import (
    AnswersOut,
    ArticleHitOut,
    ArticleIn,
    ArticleOut,
    ArticlePatch,
    CaseHitOut,
    HelpedIn,
    RevisionOut,
    StillWroteOut,
    UseIn,
    UseOut,
)

router = APIRouter(prefix="/knowledge", tags=["knowledge"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Someone saved the article since the version you edited"}
}


def article_out(article: Article) -> ArticleOut:
    fields = {name: getattr(article, name) for name in ArticleOut.model_fields if name != "body_html"}
    return ArticleOut.model_validate({**fields, "body_html": render.to_html(article.body)})


def use_out(use: ArticleUse) -> UseOut:
    return UseOut(article_id=use.article_id, case_id=use.case_id, kind=use.kind.value, at=use.at)


@router.get("/articles", response_model=list[ArticleOut])
@offload
def list_articles(
    actor: MaybeUser,
    session: ReadSession,
    state: ArticleState | None = None,
    visibility: Visibility | None = None,
    category: Annotated[str | None, Query(max_length=rules.CATEGORY_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[ArticleOut]:
    """Articles, the latest changed first. Staff see drafts and internal ones; everyone else, the public help centre."""
    staff = isinstance(actor, StaffActor)
    found = queries.articles(session, staff=staff, state=state, visibility=visibility, category=category, limit=limit)
    return [article_out(a) for a in found]


@router.post("/articles", status_code=status.HTTP_201_CREATED, response_model=ArticleOut)
@offload
def create_article(body: ArticleIn, actor: StaffUser, write: Write) -> ArticleOut:
    """Write an article (a draft unless `publish`); its first revision records who wrote it."""
    with write() as session:
        article = service.create(
            session,
            actor,
            title=body.title,
            body=body.body,
            category=body.category,
            language=body.language,
            visibility=body.visibility,
            publish=body.publish,
        )
        return article_out(article)


@router.get("/articles/{article_id}", response_model=ArticleOut)
@offload
def read_article(article_id: Id, actor: MaybeUser, session: ReadSession) -> ArticleOut:
    """One article; a draft or an internal one is a 404 to anyone but staff."""
    return article_out(queries.article(session, article_id, staff=isinstance(actor, StaffActor)))


@router.patch("/articles/{article_id}", response_model=ArticleOut, responses=CONFLICT)
@offload
def edit_article(article_id: Id, body: ArticlePatch, actor: StaffUser, write: Write) -> ArticleOut:
    """Change what is given; a new revision records who changed what. Send `version` to refuse overwriting."""
    with write() as session:
        article = service.edit(
            session,
            actor,
            article_id,
            title=body.title,
            body=body.body,
            category=body.category,
            language=body.language,
            visibility=body.visibility,
            version=body.version,
        )
        return article_out(article)


@router.delete("/articles/{article_id}", status_code=status.HTTP_204_NO_CONTENT)
@offload
def delete_article(article_id: Id, actor: StaffUser, write: Write) -> Response:
    """Delete an article and its history (supervisors and admins; others unpublish)."""
    with write() as session:
        service.delete(session, actor, article_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/articles/{article_id}/publish", response_model=ArticleOut)
@offload
def publish(article_id: Id, actor: StaffUser, write: Write) -> ArticleOut:
    """Publish: staff find it in search and beside cases; a public one appears in the help centre."""
    with write() as session:
        return article_out(service.set_published(session, actor, article_id, True))


@router.post("/articles/{article_id}/unpublish", response_model=ArticleOut)
@offload
def unpublish(article_id: Id, actor: StaffUser, write: Write) -> ArticleOut:
    """Back to a draft: no longer suggested, nor in the help centre."""
    with write() as session:
        return article_out(service.set_published(session, actor, article_id, False))


@router.get("/articles/{article_id}/revisions", response_model=list[RevisionOut])
@offload
def article_revisions(article_id: Id, actor: StaffUser, session: ReadSession) -> list[RevisionOut]:
    """Every version, newest first: who changed what, and when."""
    queries.article(session, article_id, staff=True)
    return [RevisionOut.model_validate(r) for r in queries.revisions(session, article_id)]


@router.get("/articles/{article_id}/cases", response_model=list[int])
@offload
def article_cases(article_id: Id, actor: StaffUser, session: ReadSession) -> list[int]:
    """The numbers of the cases the article was used on, most recent first."""
    queries.article(session, article_id, staff=True)
    return queries.cases_helped(session, article_id)


def still_wrote_out(session: Session, article: Article) -> StillWroteOut:
    counted = reading.still_wrote(session, [article.id]).get(article.id, reading.StillWrote(0, 0))
    return StillWroteOut(
        total=counted.total,
        since_review=counted.since_review,
        needs_review=counted.needs_review,
        reviewed_at=article.reviewed_at,
        cases=reading.cases_after_reading(session, article.id),
    )


@router.get("/articles/{article_id}/still-wrote", response_model=StillWroteOut)
@offload
def article_still_wrote(article_id: Id, actor: StaffUser, session: ReadSession) -> StillWroteOut:
    """Who read it in the help centre and still wrote to us: the sign that it needs a look (P13)."""
    return still_wrote_out(session, queries.article(session, article_id, staff=True))


@router.post("/articles/{article_id}/reviewed", response_model=StillWroteOut)
@offload
def article_reviewed(article_id: Id, actor: StaffUser, write: Write) -> StillWroteOut:
    """The article stands as it is: its count of readers who still wrote starts again from now."""
    with write() as session:
        return still_wrote_out(session, reading.mark_reviewed(session, actor, article_id))


@router.post("/articles/{article_id}/uses", status_code=status.HTTP_201_CREATED, response_model=UseOut)
@offload
def used_on_case(article_id: Id, body: UseIn, actor: StaffUser, write: Write) -> UseOut:
    """Record that the article went into a reply on the case: it links the two and counts a use."""
    with write() as session:
        case = case_for(session, actor, body.case_number)
        return use_out(service.record_use(session, actor, article_id, case))


@router.post("/articles/{article_id}/helped", status_code=status.HTTP_201_CREATED, response_model=UseOut)
@offload
def helped(article_id: Id, body: HelpedIn, actor: MaybeUser, write: Write) -> UseOut:
    """Count "this helped": anyone reading a public article; staff may name the case it helped on."""
    with write() as session:
        case = case_for(session, actor, body.case_number) if body.case_number and actor is not None else None
        return use_out(service.record_helped(session, actor, article_id, case=case))


@router.get("/search", response_model=AnswersOut)
@offload
def search(
    actor: MaybeUser,
    session: ReadSession,
    q: Annotated[str, Query(min_length=1, max_length=rules.QUERY_MAX, description="A question, in the reader's words")],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> AnswersOut:
    """Articles (and for staff, similar solved cases) that answer the question, by meaning and by words.

    When nothing is close enough, the lists are empty and `nothing_fits` is true.
    """
    staff = isinstance(actor, StaffActor)
    answers = queries.find(session, q, staff=staff, limit=limit)
    return AnswersOut(
        articles=[
            ArticleHitOut(
                id=a.id,
                title=a.title,
                slug=a.slug,
                category=a.category,
                visibility=a.visibility,
                snippet=a.snippet,
                score=a.score,
                similarity=a.similarity,
            )
            for a in answers.articles
        ],
        cases=[CaseHitOut(**c.__dict__) for c in answers.cases],
        nothing_fits=answers.nothing_fits,
    )
