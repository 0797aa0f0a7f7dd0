"""What an article may hold, who may change it, and how words are counted for ranking (pure)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from sameside.kit import stems
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid

TITLE_MAX = 200
BODY_MAX = 50_000
CATEGORY_MAX = 80
NOTE_MAX = 300
QUERY_MAX = 500

NOTHING_FITS = 0.45
"""Below this cosine similarity between the question and the closest passage, nothing fits: we say so.

Read off CLINC150's sweep (banking and credit-card questions, and questions
that are neither, against the BANKING77 articles; bench/phase_knowledge.py
measures it): at 0.45, 0.92 of the questions we answer are in scope, 0.84 of
out-of-scope questions get no article, and 0.65 of in-scope ones get one (many
of CLINC's banking and card intents have no BANKING77 article). At 0.40 it
would be 0.91, 0.77 and 0.78. Cosines belong to their model (`embedding.MODEL`):
a new model means measuring this again.
"""


class Visibility(StrEnum):
    INTERNAL = "internal"
    """For staff only."""
    PUBLIC = "public"
    """In the help centre too, once published."""


class ArticleState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


def clean_text(value: str, what: str, *, limit: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise Invalid(f"Please write {what}.")
    if len(value) > limit:
        raise Invalid(f"{what[0].upper()}{what[1:]} is {len(value):,} characters; the most is {limit:,}.")
    return value


def clean_category(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        return "General"
    if len(value) > CATEGORY_MAX:
        raise Invalid(f"A category name is at most {CATEGORY_MAX} characters.")
    return value


def slugify(title: str) -> str:
    """A readable URL part: 'Card arrival?' → 'card-arrival'."""
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:80].strip("-") or "article"


def check_may_write(actor: Actor) -> StaffActor:
    """Every staff member may write and publish: the revision history says who changed what."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Articles are written by staff.")
    return actor


def check_may_delete(actor: Actor) -> None:
    if not isinstance(actor, StaffActor) or not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("Only a supervisor or an admin deletes an article; unpublish it instead.")


def may_read(*, staff: bool, visibility: Visibility, state: ArticleState) -> bool:
    """Staff read every article, drafts too; everyone else reads published public ones."""
    return staff or (visibility is Visibility.PUBLIC and state is ArticleState.PUBLISHED)


# ---------------------------------------------------------------- words, for lexical ranking

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "i'm",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens without the commonest English words; digits kept (an order number is a word)."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOP]


@dataclass(frozen=True)
class Bm25:
    """Okapi BM25 (k1 1.2, b 0.75) over a fixed set of documents, with postings: a query reads only its terms' lists."""

    idf: dict[str, float]
    postings: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]]
    """Per term: the documents holding it, and the term's saturated frequency in each."""
    size: int

    @classmethod
    def of(cls, documents: Sequence[str]) -> Bm25:
        tokenised = [words(d) for d in documents]
        n = len(tokenised)
        average = (sum(map(len, tokenised)) / n if n else 0.0) or 1.0
        lists: dict[str, tuple[list[int], list[float]]] = {}
        for i, doc in enumerate(tokenised):
            norm = 1.2 * (0.25 + 0.75 * len(doc) / average)
            for term, f in Counter(doc).items():
                where, weight = lists.setdefault(term, ([], []))
                where.append(i)
                weight.append(f * 2.2 / (f + norm))
        idf = {t: math.log(1 + (n - len(p[0]) + 0.5) / (len(p[0]) + 0.5)) for t, p in lists.items()}
        postings = {
            t: (np.asarray(where, dtype=np.int32), np.asarray(weight, dtype=np.float32) * idf[t])
            for t, (where, weight) in lists.items()
        }
        return cls(idf, postings, n)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(words(query)):
            posting = self.postings.get(term)
            if posting is not None:
                out[posting[0]] += posting[1]
        return out


LEXICAL_WEIGHT = 0.2
"""How much the words' ranking (scaled to the best match = 1) adds to the meaning's cosine similarities.

Chosen leave-one-out on the BANKING77 articles' own known questions (each asked
with itself taken out of its article), never on the questions we report on:
bench/knowledge_tuning.py.
"""


def fuse(passage_best: float, whole: float, lexical: float, lexical_top: float) -> float:
    """One score from the closest passage, the whole article and the words."""
    return passage_best + whole + LEXICAL_WEIGHT * (lexical / lexical_top if lexical_top > 0 else 0.0)


TITLE_WORD_FITS = 0.33
"""A closer passage than this fits too when the article's title names a word of the question.

"How do I return boots that do not fit" is about returning, and the article
is called "Returning something"; its particular words (boots, fit) pull the
meaning away, to 0.335. A title naming the thing asked about is strong
evidence the article is the answer. On CLINC150 against BANKING77
(bench/phase_knowledge.py): of the questions answered, 0.919 are in scope
(0.922 by the meaning alone); in-scope questions given an article go from
0.648 to 0.757; out-of-scope ones given nothing from 0.837 to 0.800.
"""


def fits(similarity: float, threshold: float = NOTHING_FITS, *, title_word: bool = False) -> bool:
    """Whether a document fits a question: its closest passage is close enough, or nearly so with a title word."""
    return similarity >= threshold or (title_word and similarity >= min(threshold, TITLE_WORD_FITS))


def title_words(text: str) -> frozenset[str]:
    """The stems of a text's content words, which a title and a question share when they name the same thing."""
    return frozenset(stems.stem(w, TITLE_ENDINGS) for w in words(text) if len(w) >= 3 and not w.isdigit())


TITLE_ENDINGS = ("ing", "ed", "es", "s")
"""Endings a title's word and a question's are matched without: `returning` is `return`."""


def passages(title: str, body: str) -> list[str]:
    """What the meaning is matched against: the title and each paragraph or list item of the body."""
    parts = [title]
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)", body):
        text = re.sub(r"^\s*(?:[-*+]|\d+[.)]|#+)\s*", "", block.strip()).strip()
        if len(text) >= 3:
            parts.append(text[:1000])
    return parts[:200]
