"""Writing articles (each change a revision, its vectors recomputed), and counting where they helped."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.kit import clock, languages
from sameside.kit.actors import Actor, CustomerActor, StaffActor
from sameside.kit.errors import Conflict, NotFound
from sameside.knowledge import embedding, retrieval, rules
from sameside.knowledge.models import Article, ArticleRevision, ArticleUse, UseKind
from sameside.knowledge.rules import ArticleState, Visibility


def vectors_of(title: str, body: str) -> bytes:
    """The article's passages' vectors and, last, the whole article's: what the index reads back."""
    return embedding.to_bytes(retrieval.article_vectors(title, body))


def refresh_vectors(session: Session, *, batch: int = 50) -> int:
    """Embed again the articles whose vectors came from another model than `embedding.MODEL`; returns how many.

    Run by `sameside init` after a model change, so an existing database (the
    demo's too) is brought up to date once, instead of every server process
    embedding its stale articles in memory (which `queries` still does, should
    this not have run). The revision history is left alone: the words did not change.
    """
    stale = session.scalars(select(Article.id).where(Article.vectors_model != embedding.MODEL)).all()
    for start in range(0, len(stale), batch):
        for article in session.scalars(select(Article).where(Article.id.in_(stale[start : start + batch]))):
            article.vectors = vectors_of(article.title, article.body)
            article.vectors_model = embedding.MODEL
        session.flush()
    return len(stale)


def create(
    session: Session,
    actor: Actor,
    *,
    title: str,
    body: str,
    category: str = "",
    language: str = "en",
    visibility: Visibility = Visibility.INTERNAL,
    publish: bool = False,
) -> Article:
    staff = rules.check_may_write(actor)
    title = rules.clean_text(title, "a title", limit=rules.TITLE_MAX)
    body = rules.clean_text(body, "the article's text", limit=rules.BODY_MAX)
    now = clock.now()
    article = Article(
        slug=rules.slugify(title),
        title=title,
        body=body,
        category=rules.clean_category(category),
        language=languages.clean_language(language),
        visibility=visibility,
        state=ArticleState.PUBLISHED if publish else ArticleState.DRAFT,
        version=1,
        created_by=staff.staff_id,
        created_at=now,
        updated_by=staff.staff_id,
        updated_at=now,
        published_at=now if publish else None,
        use_count=0,
        helped_count=0,
        vectors=vectors_of(title, body),
        vectors_model=embedding.MODEL,
    )
    session.add(article)
    session.flush()
    _revision(session, article, staff, "written" + (" and published" if publish else ""))
    return article


def _load(session: Session, article_id: int, *, for_update: bool = True) -> Article:
    query = select(Article).where(Article.id == article_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    article = session.scalar(query)
    if article is None:
        raise NotFound(f"There is no article {article_id}.")
    return article


def edit(
    session: Session,
    actor: Actor,
    article_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    category: str | None = None,
    language: str | None = None,
    visibility: Visibility | None = None,
    version: int | None = None,
) -> Article:
    """Change what is given; `version`, when given, must be the one the editor started from (else 409)."""
    staff = rules.check_may_write(actor)
    article = _load(session, article_id)
    if version is not None and version != article.version:
        raise Conflict(
            f"Someone saved this article since you opened it (now version {article.version}, yours {version}). "
            "Open it again to see their change.",
        )
    changed: list[str] = []
    if title is not None and (title := rules.clean_text(title, "a title", limit=rules.TITLE_MAX)) != article.title:
        article.title, article.slug = title, rules.slugify(title)
        changed.append("title")
    if (
        body is not None
        and (body := rules.clean_text(body, "the article's text", limit=rules.BODY_MAX)) != article.body
    ):
        article.body = body
        changed.append("text")
    if category is not None and (category := rules.clean_category(category)) != article.category:
        article.category = category
        changed.append("category")
    if language is not None and (language := languages.clean_language(language)) != article.language:
        article.language = language
        changed.append("language")
    if visibility is not None and visibility is not article.visibility:
        article.visibility = visibility
        changed.append(f"now {visibility.value}")
    if not changed:
        return article
    if "title" in changed or "text" in changed:
        article.vectors = vectors_of(article.title, article.body)
        article.vectors_model = embedding.MODEL
    _touch(session, article, staff, ", ".join(changed))
    return article


def set_published(session: Session, actor: Actor, article_id: int, published: bool) -> Article:
    staff = rules.check_may_write(actor)
    article = _load(session, article_id)
    target = ArticleState.PUBLISHED if published else ArticleState.DRAFT
    if article.state is target:
        return article
    article.state = target
    if published:
        article.published_at = clock.now()
    _touch(session, article, staff, "published" if published else "unpublished")
    return article


def delete(session: Session, actor: Actor, article_id: int) -> None:
    rules.check_may_delete(actor)
    session.delete(_load(session, article_id))


def _touch(session: Session, article: Article, staff: StaffActor, changes: str) -> None:
    article.version += 1
    article.updated_by = staff.staff_id
    article.updated_at = clock.now()
    article.reviewed_at, article.reviewed_by = article.updated_at, staff.staff_id  # a change is a review
    _revision(session, article, staff, changes)


def _revision(session: Session, article: Article, staff: StaffActor, changes: str) -> None:
    session.add(
        ArticleRevision(
            article_id=article.id,
            version=article.version,
            title=article.title,
            body=article.body,
            category=article.category,
            language=article.language,
            visibility=article.visibility,
            state=article.state,
            changed_by=staff.staff_id,
            changed_at=article.updated_at,
            changes=changes[: rules.NOTE_MAX],
        )
    )


def record_use(session: Session, actor: Actor, article_id: int, case: Case) -> ArticleUse:
    """An agent used the article on the case (the case was loaded for them through `case_for`)."""
    staff = rules.check_may_write(actor)
    article = _load(session, article_id, for_update=False)
    use = ArticleUse(article_id=article.id, case_id=case.id, staff_id=staff.staff_id, kind=UseKind.USED, at=clock.now())
    session.add(use)
    session.execute(update(Article).where(Article.id == article.id).values(use_count=Article.use_count + 1))
    session.flush()
    return use


def record_helped(session: Session, actor: Actor | None, article_id: int, *, case: Case | None = None) -> ArticleUse:
    """Someone said it helped: staff on a case, or a reader of the help centre (a public, published article)."""
    article = _load(session, article_id, for_update=False)
    staff = isinstance(actor, StaffActor)
    if not rules.may_read(staff=staff, visibility=article.visibility, state=article.state):
        raise NotFound(f"There is no article {article_id}.")
    use = ArticleUse(
        article_id=article.id,
        case_id=case.id if case else None,
        staff_id=actor.staff_id if isinstance(actor, StaffActor) else None,
        customer_id=actor.customer_id if isinstance(actor, CustomerActor) else None,
        kind=UseKind.HELPED,
        at=clock.now(),
    )
    session.add(use)
    session.execute(update(Article).where(Article.id == article.id).values(helped_count=Article.helped_count + 1))
    session.flush()
    return use
