from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.kit.ids import MAX_ID
from sameside.kit.languages import LANGUAGES
from sameside.kit.schema import Input, Output, not_null
from sameside.knowledge.rules import BODY_MAX, CATEGORY_MAX, TITLE_MAX, ArticleState, Visibility

Language = Field(default="en", description=f"One of {', '.join(LANGUAGES)}", max_length=16)


class ArticleIn(Input):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    body: str = Field(
        min_length=1, max_length=BODY_MAX, description="Markdown (CommonMark and tables; raw HTML is shown as text)"
    )
    category: str = Field(default="", max_length=CATEGORY_MAX, description="Left empty: General")
    language: str = Language
    visibility: Visibility = Visibility.INTERNAL
    publish: bool = Field(default=False, description="Publish at once rather than keep a draft")


class ArticlePatch(Input):
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX, json_schema_extra=not_null)
    body: str | None = Field(default=None, min_length=1, max_length=BODY_MAX, json_schema_extra=not_null)
    category: str | None = Field(default=None, max_length=CATEGORY_MAX, json_schema_extra=not_null)
    language: str | None = Field(default=None, max_length=16, json_schema_extra=not_null)
    visibility: Visibility | None = Field(default=None, json_schema_extra=not_null)
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you edited: a later save by someone else is a 409"
    )


class ArticleOut(Output):
    id: int
    slug: str
    title: str
    body: str
    body_html: str = Field(description="The body rendered and sanitised")
    category: str
    language: str
    visibility: Visibility
    state: ArticleState
    version: int
    created_by: int | None
    created_at: datetime
    updated_by: int | None
    updated_at: datetime
    published_at: datetime | None
    use_count: int
    helped_count: int


class StillWroteOut(Output):
    """Customers who read the article in the help centre and still opened a case within a day."""

    total: int = Field(description="Cases opened after reading it, ever")
    since_review: int = Field(description="Of those, after it was last changed or marked reviewed")
    needs_review: bool = Field(description="True when someone still wrote since it was last changed or reviewed")
    reviewed_at: datetime | None
    cases: list[int] = Field(description="The numbers of the cases since it was last reviewed, newest first")


class RevisionOut(Output):
    version: int
    title: str
    body: str
    category: str
    language: str
    visibility: Visibility
    state: ArticleState
    changed_by: int | None
    changed_at: datetime
    changes: str


class UseIn(Input):
    case_number: int = Field(ge=1, le=MAX_ID, description="The case it was used on")


class HelpedIn(Input):
    case_number: int | None = Field(default=None, ge=1, le=MAX_ID, json_schema_extra=not_null)


class UseOut(Output):
    article_id: int
    case_id: int | None
    kind: str
    at: datetime


class ArticleHitOut(Output):
    id: int
    title: str
    slug: str
    category: str
    visibility: Visibility
    snippet: str
    score: float
    similarity: float = Field(description="Cosine similarity of the closest passage: above the threshold it fits")


class CaseHitOut(Output):
    number: int
    subject: str
    question: str
    answer: str
    score: float
    similarity: float


class AnswersOut(Output):
    articles: list[ArticleHitOut]
    cases: list[CaseHitOut] = Field(description="Similar solved cases (staff only)")
    nothing_fits: bool = Field(description="True when no article or case is close enough: we say so, not guess")
