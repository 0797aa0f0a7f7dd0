"""Reading articles, and finding them (and solved cases) for a question, a case, or a customer writing."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, defer, undefer

from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind
from sameside.kit import markdown as render
from sameside.kit.errors import NotFound
from sameside.knowledge import embedding, retrieval, rules
from sameside.knowledge.models import Article, ArticleRevision, ArticleUse, UseKind
from sameside.knowledge.rules import ArticleState, Visibility

SOLVED_CASES_MAX = 20_000
"""The most recent solved cases kept in the in-memory index."""


def article(session: Session, article_id: int, *, staff: bool) -> Article:
    """The article if the reader may read it; the same 404 whether it is missing or not theirs."""
    found = session.get(Article, article_id, options=[defer(Article.vectors)])
    if found is None or not rules.may_read(staff=staff, visibility=found.visibility, state=found.state):
        raise NotFound(f"There is no article {article_id}.")
    return found


def articles(
    session: Session,
    *,
    staff: bool,
    state: ArticleState | None = None,
    visibility: Visibility | None = None,
    category: str | None = None,
    limit: int = 200,
) -> Sequence[Article]:
    """Newest change first; readers who are not staff see published public articles only."""
    query = select(Article).options(defer(Article.vectors))
    if not staff:
        query = query.where(Article.state == ArticleState.PUBLISHED, Article.visibility == Visibility.PUBLIC)
    if state is not None:
        query = query.where(Article.state == state)
    if visibility is not None:
        query = query.where(Article.visibility == visibility)
    if category:
        query = query.where(Article.category == category)
    return session.scalars(query.order_by(Article.updated_at.desc(), Article.id.desc()).limit(limit)).all()


def categories(session: Session, *, staff: bool) -> list[tuple[str, int]]:
    """Each category with how many readable published articles it holds, by name."""
    query = select(Article.category, func.count()).where(Article.state == ArticleState.PUBLISHED)
    if not staff:
        query = query.where(Article.visibility == Visibility.PUBLIC)
    return [
        (name, count) for name, count in session.execute(query.group_by(Article.category).order_by(Article.category))
    ]


def revisions(session: Session, article_id: int) -> Sequence[ArticleRevision]:
    """Newest first."""
    return session.scalars(
        select(ArticleRevision).where(ArticleRevision.article_id == article_id).order_by(ArticleRevision.version.desc())
    ).all()


def revision(session: Session, article_id: int, version: int) -> ArticleRevision:
    found = session.scalar(
        select(ArticleRevision).where(ArticleRevision.article_id == article_id, ArticleRevision.version == version)
    )
    if found is None:
        raise NotFound(f"Article {article_id} has no version {version}.")
    return found


def cases_helped(session: Session, article_id: int, *, limit: int = 50) -> list[int]:
    """The case numbers the article was used on, most recent first."""
    rows = session.scalars(
        select(ArticleUse.case_id)
        .where(ArticleUse.article_id == article_id, ArticleUse.kind == UseKind.USED, ArticleUse.case_id.is_not(None))
        .order_by(ArticleUse.id.desc())
        .limit(limit * 4)
    )
    seen: dict[int, None] = {}
    for case_id in rows:
        if case_id is not None:
            seen.setdefault(case_id, None)
    return list(seen)[:limit]


# ---------------------------------------------------------------- finding


@dataclass(frozen=True)
class ArticleHit:
    id: int
    title: str
    slug: str
    category: str
    visibility: Visibility
    snippet: str
    text: str
    """The body as plain text, to insert into a reply."""
    score: float
    similarity: float


@dataclass(frozen=True)
class CaseHit:
    number: int
    subject: str
    question: str
    answer: str
    score: float
    similarity: float


@dataclass(frozen=True)
class Answers:
    articles: list[ArticleHit]
    cases: list[CaseHit]

    @property
    def nothing_fits(self) -> bool:
        return not self.articles and not self.cases


@dataclass
class _Cached:
    stamp: tuple[Any, ...]
    index: retrieval.Index
    meta: dict[int, Any]
    built: float = field(default_factory=time.monotonic)


SOLVED_FRESH_S = 60.0
"""Solved cases change all day: past `SOLVED_REBUILD_FREELY` of them their index (seconds to build) is
rebuilt at most once a minute, so pages rarely wait on it; a smaller one is rebuilt at once."""
SOLVED_REBUILD_FREELY = 2_000


_lock = threading.Lock()
_indexes: dict[tuple[str, str], _Cached] = {}


def _key(session: Session, what: str) -> tuple[str, str]:
    bind = session.get_bind()
    return (str(id(bind)) + str(bind.engine.url), what)


def _article_index(session: Session, *, public_only: bool) -> _Cached:
    where = [Article.state == ArticleState.PUBLISHED]
    if public_only:
        where.append(Article.visibility == Visibility.PUBLIC)
    stamp = tuple(
        session.execute(select(func.count(), func.max(Article.updated_at), func.sum(Article.id)).where(*where)).one()
    )
    key = _key(session, "public" if public_only else "staff")
    with _lock:
        cached = _indexes.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached
    rows = session.scalars(select(Article).where(*where).options(undefer(Article.vectors))).all()
    documents: list[retrieval.Document] = []
    meta: dict[int, Any] = {}
    for row in rows:
        # Vectors from another model are embedded again here (another model's may not even have our width);
        # `service.refresh_vectors`, run by `sameside init`, stores them so this happens once.
        vectors = embedding.from_bytes(row.vectors) if row.vectors_model == embedding.MODEL else None
        if vectors is not None and len(vectors) < 2:
            vectors = None
        documents.append(retrieval.article_document(row.id, row.title, row.body, vectors))
        meta[row.id] = ArticleHit(
            row.id,
            row.title,
            row.slug,
            row.category,
            row.visibility,
            render.snippet(row.body),
            render.to_text(row.body),
            0.0,
            0.0,
        )
    cached = _Cached(stamp, retrieval.Index(documents), meta)
    with _lock:
        _indexes[key] = cached
    return cached


@dataclass(frozen=True)
class _Solved:
    number: int
    subject: str
    question: str
    answer: str


def _solved_index(session: Session) -> _Cached:
    """Solved cases: their first customer message and the reply that resolved them (the last human reply)."""
    solved = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
    stamp = tuple(
        session.execute(
            select(func.count(), func.max(Case.resolved_at), func.sum(Case.id)).where(Case.status.in_(solved))
        ).one()
    )
    key = _key(session, "solved")
    with _lock:
        cached = _indexes.get(key)
    if cached is not None and (
        cached.stamp == stamp
        or (len(cached.index) >= SOLVED_REBUILD_FREELY and time.monotonic() - cached.built < SOLVED_FRESH_S)
    ):
        return cached
    old: dict[int, retrieval.Document] = {}
    if cached is not None:
        old = {d.key: d for d in cached.index.documents}
    cases = session.execute(
        select(Case.id, Case.subject)
        .where(Case.status.in_(solved))
        .order_by(Case.resolved_at.desc().nulls_last(), Case.id.desc())
        .limit(SOLVED_CASES_MAX)
    ).all()
    ids = [c.id for c in cases]
    firsts = _messages(session, ids, "inbound", first=True)
    lasts = _messages(session, ids, "outbound", first=False)
    documents: list[retrieval.Document] = []
    meta: dict[int, Any] = {}
    for number, subject in cases:
        question, answer = firsts.get(number), lasts.get(number)
        if not question or not answer:
            continue
        meta[number] = _Solved(number, subject, question, answer)
        lexical = f"{subject}\n{question}\n{answer}"
        document = old.get(number)
        if document is None or document.lexical != lexical:
            document = retrieval.document(number, subject, [f"{subject}. {question[:1000]}"], lexical)
        documents.append(document)
    cached = _Cached(stamp, retrieval.Index(documents), meta)
    with _lock:
        _indexes[key] = cached
    return cached


def _messages(session: Session, case_ids: list[int], direction: str, *, first: bool) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(case_ids), 900):
        chunk = case_ids[start : start + 900]
        pick = func.min(TimelineEntry.id) if first else func.max(TimelineEntry.id)
        conditions = and_(
            TimelineEntry.case_id.in_(chunk),
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == direction,
            TimelineEntry.is_public.is_(True),
            TimelineEntry.is_automatic.is_(False),
        )
        picked = select(pick).where(conditions).group_by(TimelineEntry.case_id).scalar_subquery()
        for case_id, body in session.execute(
            select(TimelineEntry.case_id, TimelineEntry.body).where(TimelineEntry.id.in_(picked))
        ):
            if body:
                out[case_id] = body.strip()
    return out


def find(
    session: Session,
    question: str,
    *,
    staff: bool,
    limit: int = 5,
    cases: bool = True,
    threshold: float = rules.NOTHING_FITS,
    not_case: int | None = None,
) -> Answers:
    """Articles (and, for staff, solved cases) for the question; nothing when nothing fits."""
    question = question.strip()[: rules.QUERY_MAX * 8]
    if not question:
        return Answers([], [])
    vector = embedding.encode([question])[0]
    index = _article_index(session, public_only=not staff)
    found = index.index.search(question, limit=limit, threshold=threshold, vector=vector)
    hits = [_with(index.meta[h.key], h) for h in found.hits]
    case_hits: list[CaseHit] = []
    if staff and cases:
        solved = _solved_index(session)
        for h in solved.index.search(question, limit=limit + 1, threshold=threshold, vector=vector).hits:
            if h.key == not_case:
                continue
            s: _Solved = solved.meta[h.key]
            case_hits.append(CaseHit(s.number, s.subject, s.question, s.answer, h.score, h.similarity))
    return Answers(hits, case_hits[:limit])


def _with(meta: ArticleHit, hit: retrieval.Hit) -> ArticleHit:
    return ArticleHit(**{**meta.__dict__, "score": hit.score, "similarity": hit.similarity})


def questions_of(session: Session, case: Case, *, recent: int = 2) -> list[str]:
    """What the customer is asking: their latest messages, each alone and with the subject, newest first."""
    bodies = session.scalars(
        select(TimelineEntry.body)
        .where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "inbound",
        )
        .order_by(TimelineEntry.id.desc())
        .limit(recent)
    ).all()
    said = [b.strip()[:2000] for b in bodies if b and b.strip()]
    return [*said, f"{case.subject}\n" + "\n".join(reversed(said))]


def suggestions_for_case(session: Session, case: Case, *, limit: int = 3) -> Answers:
    """The few most relevant articles and similar solved cases for the customer's problem (never the case itself).

    Read again as the conversation goes on: each of the customer's latest
    messages is asked alone and together with the subject, and each article
    or case keeps its best showing.
    """
    articles: dict[int, ArticleHit] = {}
    cases: dict[int, CaseHit] = {}
    for question in questions_of(session, case):
        found = find(session, question, staff=True, limit=limit, not_case=case.id)
        for a in found.articles:
            if a.id not in articles or articles[a.id].score < a.score:
                articles[a.id] = a
        for c in found.cases:
            if c.number not in cases or cases[c.number].score < c.score:
                cases[c.number] = c
    return Answers(
        sorted(articles.values(), key=lambda a: -a.score)[:limit],
        sorted(cases.values(), key=lambda c: -c.score)[:limit],
    )


def forget_indexes() -> None:
    """Drop the in-memory indexes (tests that recreate a database)."""
    with _lock:
        _indexes.clear()
