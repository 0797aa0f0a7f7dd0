from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock
from sameside.knowledge.rules import ArticleState, Visibility


class UseKind(StrEnum):
    USED = "used"
    """An agent put it into a reply on the case."""
    HELPED = "helped"
    """Someone said "this helped"."""
    READ = "read"
    """A signed-in customer opened it in the help centre (`reading`): did they still write to us afterwards?"""


class Article(Base):
    """A knowledge-base article; its vectors are recomputed whenever its words change."""

    __tablename__ = "knowledge_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    """Markdown."""
    category: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.INTERNAL)
    state: Mapped[ArticleState] = mapped_column(str_enum(ArticleState), default=ArticleState.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Last changed or marked reviewed: customers who read it and still wrote count again from here."""
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    helped_count: Mapped[int] = mapped_column(Integer, default=0)
    vectors: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """float16 rows: one per passage (title, then paragraphs), and last the whole article's."""
    vectors_model: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_knowledge_articles_state", "state", "visibility", "category"),
        Index("ix_knowledge_articles_updated", "updated_at"),
    )


class ArticleRevision(Base):
    """The article as it stood after one change: who changed it, when, and what."""

    __tablename__ = "knowledge_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility))
    state: Mapped[ArticleState] = mapped_column(str_enum(ArticleState))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    changes: Mapped[str] = mapped_column(String(300))
    """What changed, in words: "title, body", "published"."""

    __table_args__ = (Index("ix_knowledge_revisions_article", "article_id", "version"),)


class ArticleUse(Base):
    """An article used on a case, or said to have helped."""

    __tablename__ = "knowledge_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    kind: Mapped[UseKind] = mapped_column(str_enum(UseKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    counts_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """A read: a case the reader opens before this counts as written after reading it."""

    __table_args__ = (
        Index("ix_knowledge_uses_article", "article_id", "id"),
        Index("ix_knowledge_uses_case", "case_id"),
        Index("ix_knowledge_uses_staff", "staff_id"),
        Index("ix_knowledge_uses_customer", "customer_id"),
        Index("ix_knowledge_uses_customer_kind_at", "customer_id", "kind", "at"),
    )
