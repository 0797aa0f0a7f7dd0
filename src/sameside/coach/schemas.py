from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.coach.rules import PHRASES_MAX, SUGGESTION_MAX, TEXT_MAX, WHY_MAX, Kind
from sameside.kit.languages import LANGUAGES
from sameside.kit.schema import Input, Output, not_null

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"


class CheckIn(Input):
    text: str = Field(max_length=TEXT_MAX, description="The reply as written so far")
    language: str | None = Field(
        default=None,
        max_length=16,
        description="The reply's language (`de`, `fr-CA`…); rules ship for en, de, fr and es; otherwise English",
    )


class AdviceOut(Output):
    rule: str
    kind: Kind
    start: int = Field(description="Where the flagged words start in `text` (a code-point offset)")
    end: int
    words: str = Field(description="The flagged words as written")
    why: str
    suggestion: str
    replacement: str = Field(description="The suggestion cased to stand in for the words (a sentence start stays one)")


class CheckOut(Output):
    language: str = Field(description="The language whose rules were checked")
    advice: list[AdviceOut]


class RuleIn(Input):
    slug: str | None = Field(
        default=None, pattern=SLUG_PATTERN, description="A short name; left out, one is made from the words"
    )
    kind: Kind
    language: str = Field(default="en", description=f"One of {', '.join(LANGUAGES)}", max_length=16)
    words: str = Field(
        min_length=1,
        max_length=PHRASES_MAX,
        description="Phrases to flag, one a line; or, with `regex`, one regular expression (at most 200 "
        "characters, no nested repeats). Matched case-insensitively, as whole words.",
    )
    regex: bool = False
    why: str = Field(min_length=1, max_length=WHY_MAX, description="One sentence: how it reads to the customer")
    suggestion: str = Field(min_length=1, max_length=SUGGESTION_MAX, description="The rewrite, in our voice")


class RulePatch(Input):
    enabled: bool | None = Field(default=None, json_schema_extra=not_null)
    kind: Kind | None = Field(default=None, json_schema_extra=not_null)
    language: str | None = Field(default=None, max_length=16, json_schema_extra=not_null)
    words: str | None = Field(default=None, min_length=1, max_length=PHRASES_MAX, json_schema_extra=not_null)
    regex: bool | None = Field(default=None, json_schema_extra=not_null)
    why: str | None = Field(default=None, min_length=1, max_length=WHY_MAX, json_schema_extra=not_null)
    suggestion: str | None = Field(default=None, min_length=1, max_length=SUGGESTION_MAX, json_schema_extra=not_null)


class RuleOut(Output):
    slug: str
    kind: Kind
    language: str
    why: str
    suggestion: str
    builtin: bool = Field(description="Shipped with Sameside: its words are fixed; it can be switched off")
    enabled: bool
    regex: bool = Field(description="`words` is a regular expression (built-in rules: always)")
    words: str = Field(description="The regular expression, or the phrases one a line")
    changed_at: datetime | None


class RuleStatsOut(Output):
    rule: str
    kind: Kind
    shown: int = Field(description="Sent replies on which this advice had been shown while writing")
    taken: int = Field(description='Of those, sent without the flagged words (reworded, or by "Use this")')
    used: int = Field(description='Of those taken, by "Use this"')
    taken_share: float | None
