"""Phase `knowledge`: how well the knowledge base finds answers, on data nobody here wrote, and how fast.

Read in place from ../shared/corpus/support (or $SAMESIDE_CORPUS_DIR/support):

(1) BANKING77 (`banking77/kb_search_eval.jsonl`): 3,080 real customer
    questions against 77 articles (each article: its title and its ten
    known questions as a Markdown list, as a team would write an FAQ).
    accuracy@1/@3/@5 and MRR@10 of our hybrid ranking beside the BM25 floor
    of `_baseline_bm25.py`, run in the same phase. Aim: acc@1 ≥ 0.85.
(2) "Nothing fits" on CLINC150 (`clinc150/scope_eval.jsonl`): 900 banking and
    credit-card questions (in scope) and 300 out-of-scope ones, against the
    BANKING77 articles. At our threshold: of the questions we answer, the
    share in scope (precision, aim ≥ 0.9), and the share of out-of-scope
    questions given no article. Also the threshold a sweep would pick.
(3) ABCD's 55 procedure articles and its sample dialogues: the article we
    suggest for each dialogue's customer turns, against its labelled subflow.
(4) The embedding's cost per text, one at a time and in batches.
(5) How the words' weight in the ranking was chosen (`knowledge_tuning.py`):
    leave-one-out on the articles' own known questions (BANKING77 training
    questions), never on the test questions of (1).
(6) Suggestions at size: 10,000 articles (ten passages each) and 100,000
    solved cases in the in-memory index (an inverted file past 5,000
    documents); p50/p95 of one question's search over both, embedding included.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from harness import BenchError, log, summary
from knowledge_tuning import leave_one_out
from sameside.knowledge import embedding, retrieval, rules


def corpus() -> Path:
    base = Path(os.environ.get("SAMESIDE_CORPUS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
    path = base / "support"
    if not path.is_dir():
        raise BenchError(f"the support corpus is not at {path} (set SAMESIDE_CORPUS_DIR)")
    return path


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def banking_index(folder: Path) -> tuple[retrieval.Index, list[str]]:
    """The 77 articles as the knowledge base holds them: a title, and a body of their known questions."""
    articles = _lines(folder / "banking77" / "kb_articles.jsonl")
    documents = []
    for i, article in enumerate(articles):
        body = "\n".join(f"- {q}" for q in article["known_questions"])
        documents.append(retrieval.article_document(i, article["title"], body))
    return retrieval.Index(documents), [a["id"] for a in articles]


def ranked(index: retrieval.Index, ids: list[str], question: str, k: int = 10) -> list[str]:
    found = index.search(question, limit=k, threshold=-1.0)
    return [ids[h.key] for h in found.hits]


def article_retrieval(folder: Path, *, limit: int | None = None) -> dict[str, Any]:
    index, ids = banking_index(folder)
    evals = _lines(folder / "banking77" / "kb_search_eval.jsonl")[:limit]
    hits = {1: 0, 3: 0, 5: 0}
    mrr = 0.0
    for e in evals:
        order = ranked(index, ids, e["query"])
        for k in hits:
            hits[k] += e["expected_article_id"] in order[:k]
        if e["expected_article_id"] in order:
            mrr += 1 / (order.index(e["expected_article_id"]) + 1)
    n = len(evals)
    return {"queries": n, **{f"acc@{k}": round(v / n, 4) for k, v in hits.items()}, "mrr@10": round(mrr / n, 4)}


def baseline(folder: Path) -> dict[str, Any]:
    script = folder / "_baseline_bm25.py"
    out = subprocess.run(
        [sys.executable, str(script), str(folder / "banking77")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def nothing_fits(folder: Path, *, limit: int | None = None) -> dict[str, Any]:
    index, _ = banking_index(folder)
    rows = _lines(folder / "clinc150" / "scope_eval.jsonl")
    if limit:
        rows = rows[: limit // 2] + rows[-limit // 2 :]
    best, titled = [], []
    for row in rows:
        found = index.search(row["text"], limit=1, threshold=-1.0)
        best.append(found.hits[0].similarity if found.hits else -1.0)
        titled.append(bool(found.hits and found.hits[0].title_word))
    in_scope = np.asarray([r["in_scope"] for r in rows])
    sims = np.asarray(best)
    title_word = np.asarray(titled)

    def at(threshold: float) -> dict[str, Any]:
        # As the product judges it (`rules.fits`): close enough, or nearly so with a word of the title.
        answered = (sims >= threshold) | (title_word & (sims >= min(threshold, rules.TITLE_WORD_FITS)))
        return {
            "threshold": round(threshold, 3),
            "in_scope_precision": round(float(in_scope[answered].mean()), 4) if answered.any() else None,
            "out_of_scope_given_nothing": round(float((~answered[~in_scope]).mean()), 4),
            "in_scope_answered": round(float(answered[in_scope].mean()), 4),
        }

    sweep = [at(t) for t in np.arange(0.25, 0.7, 0.025)]
    good = [s for s in sweep if (s["in_scope_precision"] or 0) >= 0.9]
    pick = max(good, key=lambda s: s["in_scope_answered"]) if good else None
    return {
        "questions": len(rows),
        "in_scope": int(in_scope.sum()),
        "ours": at(rules.NOTHING_FITS),
        "best_with_precision_0_9": pick,
    }


def abcd(folder: Path) -> dict[str, Any]:
    articles = _lines(folder / "abcd" / "kb_articles.jsonl")
    documents = [retrieval.article_document(i, a["title"], a["body"]) for i, a in enumerate(articles)]
    index = retrieval.Index(documents)
    dialogues = json.loads((folder / "abcd" / "abcd_sample.json").read_text(encoding="utf-8"))
    shown = []
    for d in dialogues:
        said = " ".join([text for who, text in d["original"] if who == "customer"][:2])  # how they open
        found = index.search(said, limit=3)
        want = f"{d['scenario']['flow']}:{d['scenario']['subflow']}"
        titles = [articles[h.key]["title"] for h in found.hits]
        shown.append({"dialogue": d["convo_id"], "labelled": want, "suggested": titles})
    return {"articles": len(articles), "dialogues": shown}


def cost(folder: Path) -> dict[str, Any]:
    t = time.perf_counter()
    embedding.Embedder()
    load_s = time.perf_counter() - t
    texts = [e["query"] for e in _lines(folder / "banking77" / "kb_search_eval.jsonl")]
    embedding.encode(texts[:10])
    one = []
    for text in texts[:1000]:
        t = time.perf_counter()
        embedding.encode([text])
        one.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    embedding.encode(texts)
    batch_ms = (time.perf_counter() - t) * 1000 / len(texts)
    words = statistics.mean(len(x.split()) for x in texts)
    return {
        "model": embedding.MODEL,
        "load_s": round(load_s, 3),
        "one_text": summary(one, unit="texts"),
        "batched_ms_per_text": round(batch_ms, 4),
        "mean_words_per_text": round(words, 1),
    }


def at_size(folder: Path, *, articles: int = 10_000, cases: int = 100_000, questions: int = 300) -> dict[str, Any]:
    """The index at the figure's size, for timing: random unit vectors (so the clusters are no help to it) and
    words drawn as often as customers use them in BANKING77's questions; the questions are BANKING77's own."""
    rng = np.random.default_rng(7)
    pick = random.Random(7)
    asked = [e["query"] for e in _lines(folder / "banking77" / "kb_search_eval.jsonl")]
    said = [w for q in asked for w in re.findall(r"[a-z']+", q.lower())]

    def docs(n: int, passages: int, length: int) -> list[retrieval.Document]:
        vectors = rng.standard_normal((n * (passages + 1), embedding.DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        out = []
        for i in range(n):
            block = vectors[i * (passages + 1) : (i + 1) * (passages + 1)]
            out.append(retrieval.Document(i, " ".join(pick.choices(said, k=length)), block[:-1], block[-1:]))
        return out

    t = time.perf_counter()
    article_index = retrieval.Index(docs(articles, 10, 200))
    case_index = retrieval.Index(docs(cases, 1, 60))
    build_s = time.perf_counter() - t
    ms = []
    for q in pick.sample(asked, questions):
        t = time.perf_counter()
        vector = embedding.encode([q])[0]
        article_index.search(q, limit=3, vector=vector)
        case_index.search(q, limit=3, vector=vector)
        ms.append((time.perf_counter() - t) * 1000)
    return {"articles": articles, "solved_cases": cases, "build_s": round(build_s, 1), "suggest": summary(ms)}


def run(args: Any, workdir: Path) -> dict[str, Any]:
    folder = corpus()
    quick = bool(getattr(args, "quick", False))
    log("knowledge: BANKING77 article retrieval, ours and the BM25 floor")
    ours = article_retrieval(folder, limit=500 if quick else None)
    floor = baseline(folder)
    log("knowledge: CLINC150 nothing fits")
    scope = nothing_fits(folder, limit=300 if quick else None)
    log("knowledge: ABCD sample dialogues; embedding cost; the index at size")
    return {
        "banking77": {"ours": ours, "bm25_floor": floor},
        "clinc150": scope,
        "abcd": abcd(folder),
        "embedding": cost(folder),
        "lexical_weight_leave_one_out": None if quick else leave_one_out(folder),
        "at_size": at_size(folder, articles=1000, cases=10_000) if quick else at_size(folder),
    }


if __name__ == "__main__":
    print(json.dumps(run(type("Args", (), {"quick": "--quick" in sys.argv})(), Path(".")), indent=1))
