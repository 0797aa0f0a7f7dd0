"""Customers who read an article and still wrote to us: counted, and the article flagged for review (P13).

A signed-in customer who opens a published article in the help centre leaves
a read (one per article per hour at most). A case they open within
`STILL_WROTE_WITHIN` of it counts as written after reading: the article did
not answer them, or did not answer them well enough. Nothing is written when
the case is opened; the pairing is a join of reads with that customer's
cases, so every channel (portal, chat, email, phone) counts alike. The chat
widget shows articles while a visitor writes too; the ones they open before
starting the chat are recorded when it starts (`record_reads_before_chat`),
since a visitor who is not signed in has no customer record until then.

An article is flagged for review when someone still wrote after reading it
since it was last changed or marked reviewed; its editor sees how many and
on which cases. The agent on such a case sees what the customer already read,
so they do not send the same article back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor
from sameside.kit.errors import NotFound
from sameside.kit.ids import MAX_ID
from sameside.knowledge import rules
from sameside.knowledge.models import Article, ArticleUse, UseKind
from sameside.knowledge.rules import ArticleState, Visibility

log = logging.getLogger(__name__)

STILL_WROTE_WITHIN = timedelta(hours=24)
"""A case opened this long after reading an article counts as written after reading it."""
READ_AGAIN_AFTER = timedelta(hours=1)
"""Reads of one article by one customer closer together than this are one read."""
READ_BEFORE_CHAT = timedelta(milliseconds=1)
"""A read from the chat widget is dated this long before the chat's case opened (it was read while writing)."""
READS_PER_CHAT = 10
"""At most this many articles read before a chat count for it: the widget shows three at a time."""


@dataclass(frozen=True)
class StillWrote:
    """Of one article: cases opened after reading it, in all and since it was last changed or reviewed."""

    total: int
    since_review: int

    @property
    def needs_review(self) -> bool:
        return self.since_review > 0


@dataclass(frozen=True)
class ReadBefore:
    """An article the customer read before opening a case."""

    article_id: int
    title: str
    slug: str
    read_at: datetime


def record_read(session: Session, actor: Actor | None, article: Article) -> bool:
    """A signed-in customer read a published public article; True when a new read was recorded."""
    if not isinstance(actor, CustomerActor):
        return False  # staff reading, or an anonymous reader: nobody to pair a later case with
    if article.state != ArticleState.PUBLISHED or article.visibility != Visibility.PUBLIC:
        return False
    now = clock.now()
    recent = session.scalar(
        select(ArticleUse.id)
        .where(
            ArticleUse.customer_id == actor.customer_id,
            ArticleUse.kind == UseKind.READ,
            ArticleUse.at > now - READ_AGAIN_AFTER,
            ArticleUse.article_id == article.id,
        )
        .limit(1)
    )
    if recent is not None:
        return False
    session.add(
        ArticleUse(
            article_id=article.id,
            customer_id=actor.customer_id,
            kind=UseKind.READ,
            at=now,
            counts_until=now + STILL_WROTE_WITHIN,
        )
    )
    return True


def record_reads_before_chat(session: Session, case_id: int, article_ids: Iterable[int]) -> int:
    """Articles a visitor opened from the chat widget while writing the question that started case `case_id`.

    Each becomes a read by the case's customer dated just before the case
    opened (`READ_BEFORE_CHAT`, and never before the article was written or
    last reviewed), so it pairs with the case exactly as a portal
    reader's read pairs with the request they then send (`still_wrote`). The
    widget says which it opened; only published public articles count, at most
    `READS_PER_CHAT` of them, each once. Returns how many were recorded.

    The read also names the case, only so that it can follow the case when the
    visitor proves who they are and the chat is filed on another customer
    (`reads_follow_case`); pairing never looks at it.
    """
    wanted = list(dict.fromkeys(i for i in article_ids if 0 < i <= MAX_ID))[:READS_PER_CHAT]
    case_ = session.get(Case, case_id)
    if not wanted or case_ is None:
        return 0
    found = session.execute(
        select(Article.id, func.coalesce(Article.reviewed_at, Article.created_at)).where(
            Article.id.in_(wanted),
            Article.state == ArticleState.PUBLISHED,
            Article.visibility == Visibility.PUBLIC,
        )
    ).all()
    opened = case_.created_at
    for article_id, counts_from in found:
        # Just before the case, yet never before the article's count began: it was read after that.
        at = min(max(opened - READ_BEFORE_CHAT, counts_from), opened - timedelta(microseconds=1))
        session.add(
            ArticleUse(
                article_id=article_id,
                case_id=case_.id,
                customer_id=case_.customer_id,
                kind=UseKind.READ,
                at=at,
                counts_until=at + STILL_WROTE_WITHIN,
            )
        )
    return len(found)


def reads_follow_case(session: Session, case_id: int) -> None:
    """The chat's case now belongs to the customer the visitor proved to be: the reads recorded with it go along.

    Idempotent and cheap (one indexed update), so it may run whenever a chat
    might just have been filed; without it the reads would stay with the chat's
    own, now empty, record and no longer pair with the case.
    """
    owner = select(Case.customer_id).where(Case.id == case_id).scalar_subquery()
    session.execute(
        update(ArticleUse)
        .where(ArticleUse.case_id == case_id, ArticleUse.kind == UseKind.READ)
        .values(customer_id=owner)
        .execution_options(synchronize_session=False)
    )


def count_read(db: Database, actor: Actor | None, article: Article) -> None:
    """`record_read` in its own unit of work; only a count, so when the database cannot take it now, it is lost."""
    try:
        with db.unit_of_work() as session:
            record_read(session, actor, article)
    except SQLAlchemyError:
        log.warning("a help-centre read of article %s was not counted", article.id, exc_info=True)


def _pairs() -> Select[int, int, datetime]:
    """Reads joined to the cases their reader opened within the window after each read."""
    return (
        select(ArticleUse.article_id, Case.id.label("case_id"), ArticleUse.at)
        .join(
            Case,
            and_(
                Case.customer_id == ArticleUse.customer_id,
                Case.created_at > ArticleUse.at,
                Case.created_at <= ArticleUse.counts_until,
            ),
        )
        .where(ArticleUse.kind == UseKind.READ)
    )


def still_wrote(session: Session, article_ids: Iterable[int]) -> dict[int, StillWrote]:
    """For each article asked about that anyone still wrote after reading: how many cases, in all and lately."""
    ids = list(article_ids)
    if not ids:
        return {}
    pairs = _pairs().where(ArticleUse.article_id.in_(ids)).subquery()
    lately = case((pairs.c.at >= func.coalesce(Article.reviewed_at, Article.created_at), pairs.c.case_id))
    rows = session.execute(
        select(pairs.c.article_id, func.count(func.distinct(pairs.c.case_id)), func.count(func.distinct(lately)))
        .join(Article, Article.id == pairs.c.article_id)
        .group_by(pairs.c.article_id)
    ).all()
    return {article_id: StillWrote(total, since) for article_id, total, since in rows}


def cases_after_reading(session: Session, article_id: int, *, limit: int = 20) -> list[int]:
    """The cases opened after reading the article since it was last changed or reviewed, newest first."""
    cutoff = select(func.coalesce(Article.reviewed_at, Article.created_at)).where(Article.id == article_id)
    pairs = _pairs().where(ArticleUse.article_id == article_id, ArticleUse.at >= cutoff.scalar_subquery())
    found = pairs.subquery()
    return list(session.scalars(select(found.c.case_id).distinct().order_by(found.c.case_id.desc()).limit(limit)))


def read_before(session: Session, case_: Case, *, limit: int = 5) -> list[ReadBefore]:
    """What the customer read in the help centre in the day before they opened this case, latest first."""
    rows = session.execute(
        select(Article.id, Article.title, Article.slug, func.max(ArticleUse.at).label("read_at"))
        .join(Article, Article.id == ArticleUse.article_id)
        .where(
            ArticleUse.customer_id == case_.customer_id,
            ArticleUse.kind == UseKind.READ,
            ArticleUse.at < case_.created_at,
            ArticleUse.counts_until >= case_.created_at,
        )
        .group_by(Article.id, Article.title, Article.slug)
        .order_by(func.max(ArticleUse.at).desc())
        .limit(limit)
    ).all()
    return [ReadBefore(article_id, title, slug, at) for article_id, title, slug, at in rows]


def mark_reviewed(session: Session, actor: Actor, article_id: int) -> Article:
    """An editor looked and the article stands: its count of readers who still wrote starts again."""
    staff = rules.check_may_write(actor)
    article = session.get(Article, article_id, with_for_update=True)
    if article is None:
        raise NotFound(f"There is no article {article_id}.")
    article.reviewed_at, article.reviewed_by = clock.now(), staff.staff_id
    session.flush()
    return article
