"""Which language a customer wrote in, so the case reaches someone who speaks it (P14).

The customer's own preference always wins; this is the fallback for people
who have not told us. py3langid (a naive Bayes model over byte n-grams that
ships with the package, ~0.03 ms a message) is unreliable on a few words, so
short or unconvincing texts get no guess rather than a wrong one.
"""

from __future__ import annotations

from functools import cache

import py3langid  # type: ignore[import-untyped]

MIN_LETTERS = 20
"""Below this many letters a guess is noise ("ok thanks" is not Afrikaans)."""
MIN_CONFIDENCE = 0.9


@cache
def _identifier() -> py3langid.langid.LanguageIdentifier:
    return py3langid.langid.LanguageIdentifier.from_model_file(py3langid.langid.MODEL_FILE, norm_probs=True)


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it is too short or unclear."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None


def primary(tag: str | None) -> str | None:
    """`de-CH` → `de`: routing matches on the language, not the region."""
    if not tag:
        return None
    return tag.split("-", 1)[0].strip().lower() or None
