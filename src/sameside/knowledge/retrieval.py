"""The hybrid ranking over documents held in memory: meaning (vectors) plus words (BM25), and "nothing fits".

No database here: `queries` loads the documents and keeps one index per set.
Each document has passage vectors (its title and each paragraph, or for a
solved case its first customer message) and a whole-document vector. A
question's score for a document is its closest passage's cosine similarity,
plus the whole document's, plus a third of the BM25 score scaled to the best.
Whether anything fits is judged on the closest passage, against
`rules.NOTHING_FITS` — or the lower `rules.TITLE_WORD_FITS` when the
document's title names a word of the question.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sameside.knowledge import embedding, rules
from sameside.knowledge.embedding import Vectors


@dataclass(frozen=True)
class Document:
    key: int
    """An article's id, or a solved case's number."""
    lexical: str
    passage_vectors: Vectors
    whole_vector: Vectors
    title_words: frozenset[str] = frozenset()
    """Its title's content words (`rules.title_words`): one the question names lets a near miss fit."""


@dataclass(frozen=True)
class Hit:
    key: int
    score: float
    similarity: float
    """The closest passage's cosine similarity: what "fits" is judged on."""
    title_word: bool = False
    """Whether its title names a word of the question (`rules.fits`)."""


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    nothing_fits: bool


EXACT_UP_TO = 5_000
"""Up to this many documents a question is compared with every one; above, with the closest clusters' only."""
PROBES = 16
"""How many clusters a question looks into, above `EXACT_UP_TO` (of about 2·√n)."""
LEXICAL_CANDIDATES = 100
"""Above `EXACT_UP_TO`, the documents best by words join the clusters' candidates."""


class Index:
    """Documents held for ranking. Past `EXACT_UP_TO` it is an inverted file: the whole-document vectors are
    grouped around centroids (spherical k-means), and a question scans only its closest groups plus the
    best matches by words, so a search does not grow with every solved case kept."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        self.keys = [d.key for d in documents]
        self._bm25 = rules.Bm25.of([d.lexical for d in documents])
        self._lists: list[npt.NDArray[np.int64]] | None = None
        if documents:
            rows = [d.passage_vectors if len(d.passage_vectors) else d.whole_vector for d in documents]
            self._passages = np.vstack(rows)
            self._counts = np.asarray([len(r) for r in rows], dtype=np.int64)
            self._starts = np.concatenate([[0], np.cumsum(self._counts)[:-1]]).astype(np.int64)
            self._whole = np.vstack([d.whole_vector for d in documents])
            if len(documents) > EXACT_UP_TO:
                self._cluster()
        else:
            self._passages = np.zeros((0, embedding.DIMENSIONS), dtype=np.float32)
            self._counts = np.zeros(0, dtype=np.int64)
            self._starts = np.zeros(0, dtype=np.int64)
            self._whole = np.zeros((0, embedding.DIMENSIONS), dtype=np.float32)

    def _cluster(self, *, rounds: int = 6, sample: int = 20_000) -> None:
        n = len(self._whole)
        k = int(2 * math.sqrt(n))
        rng = np.random.default_rng(0)
        picked = self._whole[rng.choice(n, size=min(sample, n), replace=False)]
        centroids = picked[rng.choice(len(picked), size=k, replace=False)].copy()
        for _ in range(rounds):
            nearest = np.argmax(picked @ centroids.T, axis=1)
            for c in range(k):
                members = picked[nearest == c]
                if len(members):
                    mean = members.sum(axis=0)
                    centroids[c] = mean / (np.linalg.norm(mean) or 1.0)
        assigned = np.concatenate(
            [np.argmax(self._whole[i : i + 10_000] @ centroids.T, axis=1) for i in range(0, n, 10_000)]
        )
        order = np.argsort(assigned, kind="stable")
        bounds = np.searchsorted(assigned[order], np.arange(k + 1))
        self._centroids = centroids
        self._lists = [order[bounds[c] : bounds[c + 1]] for c in range(k)]

    def __len__(self) -> int:
        return len(self.keys)

    def _candidates(self, q: Vectors, lexical: npt.NDArray[np.float32]) -> npt.NDArray[np.int64] | None:
        if self._lists is None:
            return None
        closest = np.argpartition(-(self._centroids @ q), PROBES)[:PROBES]
        by_words = np.argpartition(-lexical, LEXICAL_CANDIDATES)[:LEXICAL_CANDIDATES]
        return np.unique(np.concatenate([*(self._lists[c] for c in closest), by_words.astype(np.int64)]))

    def search(
        self, question: str, *, limit: int = 5, threshold: float = rules.NOTHING_FITS, vector: Vectors | None = None
    ) -> Found:
        if not self.keys or not question.strip():
            return Found([], nothing_fits=True)
        q = embedding.encode([question])[0] if vector is None else vector
        lexical = self._bm25.scores(question)
        top = float(lexical.max()) if lexical.size else 0.0
        candidates = self._candidates(q, lexical)
        if candidates is None:
            best = np.maximum.reduceat(self._passages @ q, self._starts)
            whole = self._whole @ q
            words = lexical
        else:
            counts = self._counts[candidates]
            offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
            rows = np.repeat(self._starts[candidates] - offsets, counts) + np.arange(int(counts.sum()))
            best = np.maximum.reduceat(self._passages[rows] @ q, offsets)
            whole = self._whole[candidates] @ q
            words = lexical[candidates]
        scores = best + whole + rules.LEXICAL_WEIGHT * (words / top if top > 0 else 0.0)
        if len(scores) > limit:
            top_k = np.argpartition(-scores, limit)[:limit]
            order = top_k[np.argsort(-scores[top_k], kind="stable")]
        else:
            order = np.argsort(-scores, kind="stable")
        found = order if candidates is None else candidates[order]
        asked = rules.title_words(question)
        hits = [
            Hit(self.keys[g], float(scores[i]), float(best[i]), bool(asked & self.documents[g].title_words))
            for g, i in zip(found, order, strict=True)
        ]
        fitting = [h for h in hits if rules.fits(h.similarity, threshold, title_word=h.title_word)]
        return Found(fitting, nothing_fits=not fitting)


def document(key: int, title: str, body_passages: list[str], lexical: str) -> Document:
    """Embed a document's passages and its whole text."""
    texts = [*body_passages, f"{title}. {lexical}"]
    vectors = embedding.encode(texts)
    return Document(key, lexical, vectors[:-1], vectors[-1:], rules.title_words(title))


def article_texts(title: str, body: str) -> tuple[list[str], str]:
    """What an article is embedded as: its passages (`rules.passages`), and the text its whole vector is of.
    The same for an article saved by `service` and one ranked by the bench, so the bench measures the product."""
    return rules.passages(title, body), f"{title}. {article_lexical(title, body)}"


def article_lexical(title: str, body: str) -> str:
    """An article's words, for BM25."""
    return f"{title}\n\n{body}"


def article_vectors(title: str, body: str) -> Vectors:
    """The passages' vectors and, last, the whole article's: what `service` stores and `Document` reads back."""
    passages, whole = article_texts(title, body)
    return embedding.encode([*passages, whole])


def article_document(key: int, title: str, body: str, vectors: Vectors | None = None) -> Document:
    """An article ready to rank, from its stored vectors (or embedded now)."""
    if vectors is None:
        vectors = article_vectors(title, body)
    return Document(key, article_lexical(title, body), vectors[:-1], vectors[-1:], rules.title_words(title))
