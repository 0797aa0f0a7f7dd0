"""Search results on the wire."""

from __future__ import annotations

from pydantic import Field

from sameside.cases.schemas import CaseOut
from sameside.kit.schema import Output


class SearchHit(Output):
    case: CaseOut
    subject_html: str = Field(description="The subject as escaped HTML, each hit in `<mark>`.")
    snippet_html: str = Field(
        description="A piece of the conversation (or the customer's addresses) as escaped HTML, each hit in `<mark>`."
    )


class SearchPage(Output):
    items: list[SearchHit]
    total: int = Field(description="How many cases you may read match, counted up to 200.")
    total_is_exact: bool = Field(description="False when more cases match than `total` says.")
    next_cursor: str | None
