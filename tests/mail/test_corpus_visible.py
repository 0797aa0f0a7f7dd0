"""Our reply extraction against the shared corpus: never worse than the better library, measured now.

Reads the corpus in place (never copied into the repository) and reuses the
loader and scoring of bench/mail_visible.py, so the test and the table agree.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.support import corpus_dir

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mail_visible.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_mail_visible", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_ours_scores_at_least_the_better_library() -> None:
    corpus = corpus_dir("mail/reply-bodies").parent
    bench = _bench()
    cases = bench.load_cases(corpus)
    assert cases, "the corpus has no expectations to score against"
    exact = {name: bench.score(fn, cases)[0][bench.OVERALL] for name, fn in bench.EXTRACTORS.items()}
    for name, s in exact.items():
        print(f"{name:>20}: {s.exact}/{s.total} exact, similarity {s.similarity:.3f}")
    ours = exact.pop("sameside")
    best_name, best = max(exact.items(), key=lambda item: item[1].exact)
    assert ours.exact >= best.exact, f"ours {ours.exact} < {best_name} {best.exact} of {ours.total}"
    assert ours.similarity >= best.similarity
