"""The hybrid ranking over documents held in memory: meaning (vectors) plus words (BM25), and "nothing fits".

No database here: `queries` loads the documents and keeps one index per set.
Each document has passage vectors (its title and each paragraph, or for a
solved case its first customer message) and a whole-document vector. A
question's score for a document is its closest passage's cosine similarity,
plus the whole document's, plus a third of the BM25 score scaled to the best.
Whether anything fits is judged on the closest passage alone, against
`rules.NOTHING_FITS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sameside.knowledge import embedding, rules
from sameside.knowledge.embedding import Vectors


@dataclass(frozen=True)
class Document:
    key: int
    """An article's id, or a solved case's number."""
    lexical: str
    passage_vectors: Vectors
    whole_vector: Vectors


@dataclass(frozen=True)
class Hit:
    key: int
    score: float
    similarity: float
    """The closest passage's cosine similarity: what "fits" is judged on."""


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    nothing_fits: bool


class Index:
    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        self.keys = [d.key for d in documents]
        self._bm25 = rules.Bm25.of([d.lexical for d in documents])
        if documents:
            rows = [d.passage_vectors if len(d.passage_vectors) else d.whole_vector for d in documents]
            self._passages = np.vstack(rows)
            counts = np.asarray([len(r) for r in rows], dtype=np.int64)
            self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
            self._whole = np.vstack([d.whole_vector for d in documents])
        else:
            self._passages = np.zeros((0, embedding.DIMENSIONS), dtype=np.float32)
            self._starts = np.zeros(0, dtype=np.int64)
            self._whole = np.zeros((0, embedding.DIMENSIONS), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    def search(
        self, question: str, *, limit: int = 5, threshold: float = rules.NOTHING_FITS, vector: Vectors | None = None
    ) -> Found:
        if not self.keys or not question.strip():
            return Found([], nothing_fits=True)
        q = embedding.encode([question])[0] if vector is None else vector
        best = np.maximum.reduceat(self._passages @ q, self._starts)
        whole = self._whole @ q
        lexical = self._bm25.scores(question)
        top = float(lexical.max()) if lexical.size else 0.0
        scores = best + whole + rules.LEXICAL_WEIGHT * (lexical / top if top > 0 else 0.0)
        if len(scores) > limit:
            top_k = np.argpartition(-scores, limit)[:limit]
            order = top_k[np.argsort(-scores[top_k], kind="stable")]
        else:
            order = np.argsort(-scores, kind="stable")
        hits = [Hit(self.keys[i], float(scores[i]), float(best[i])) for i in order]
        fitting = [h for h in hits if rules.fits(h.similarity, threshold)]
        return Found(fitting, nothing_fits=not fitting)


def document(key: int, title: str, body_passages: list[str], lexical: str) -> Document:
    """Embed a document's passages and its whole text."""
    texts = [*body_passages, f"{title}. {lexical}"]
    vectors = embedding.encode(texts)
    return Document(key, lexical, vectors[:-1], vectors[-1:])
