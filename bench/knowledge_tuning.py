"""How `rules.LEXICAL_WEIGHT` was chosen: leave-one-out on the BANKING77 articles' own known questions.

Each article's ten known questions are BANKING77 training questions
(`train_sample.csv`: the first ten of each intent). Each is asked in turn with
itself taken out of its article — out of the passages, the whole-article
vector and the BM25 counts — and the article must come first. The test
questions (`kb_search_eval.jsonl`) are never looked at here: tuning on them
would be writing the answer in. Run alone: `.venv/bin/python bench/knowledge_tuning.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sameside.knowledge import embedding, retrieval, rules

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def _articles(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "banking77" / "kb_articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _body(questions: list[str]) -> str:
    return "\n".join(f"- {q}" for q in questions)


def leave_one_out(folder: Path) -> dict[str, Any]:
    articles = _articles(folder)
    n = len(articles)
    asked = [(a, j, q) for a, article in enumerate(articles) for j, q in enumerate(article["known_questions"])]
    wholes = [retrieval.article_texts(a["title"], _body(a["known_questions"]))[1] for a in articles]
    wholes_without = [
        retrieval.article_texts(
            articles[a]["title"], _body([x for k, x in enumerate(articles[a]["known_questions"]) if k != j])
        )[1]
        for a, j, _ in asked
    ]
    titles = embedding.encode([a["title"] for a in articles])
    questions = embedding.encode([q for _, _, q in asked])
    whole = embedding.encode(wholes)
    whole_without = embedding.encode(wholes_without)

    per_article = len(articles[0]["known_questions"])
    passages = questions.reshape(n, per_article, -1)
    scores: dict[float, list[int]] = {w: [] for w in WEIGHTS}
    for i, (a, j, q) in enumerate(asked):
        v = questions[i]
        sims = passages @ v
        sims[a, j] = -np.inf
        best = np.maximum(sims.max(axis=1), titles @ v)
        whole_sim = whole @ v
        whole_sim[a] = whole_without[i] @ v
        lexical = [
            retrieval.article_lexical(
                x["title"], _body([y for k, y in enumerate(x["known_questions"]) if not (b == a and k == j)])
            )
            for b, x in enumerate(articles)
        ]
        words = rules.Bm25.of(lexical).scores(q)
        top = float(words.max()) or 1.0
        for w in WEIGHTS:
            total = best + whole_sim + w * words / top
            scores[w].append(int((total > total[a]).sum()))
    figures = {
        f"{w:.1f}": {
            "acc@1": round(float(np.mean([r == 0 for r in ranks])), 4),
            "mrr": round(float(np.mean([1 / (r + 1) for r in ranks])), 4),
        }
        for w, ranks in scores.items()
    }
    chosen = max(figures, key=lambda w: (figures[w]["acc@1"], figures[w]["mrr"]))
    return {"questions": len(asked), "by_lexical_weight": figures, "best": chosen, "in_use": rules.LEXICAL_WEIGHT}


if __name__ == "__main__":
    from phase_knowledge import corpus

    print(json.dumps(leave_one_out(corpus()), indent=1))
    sys.exit(0)
