"""The languages the desk writes in (articles, coach rules), and the one check of a language code."""

from __future__ import annotations

from sameside.kit.errors import Invalid

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")
"""The languages the desk writes in."""


def clean_language(value: str) -> str:
    value = value.strip().lower()
    if value not in LANGUAGES:
        raise Invalid(f"Language {value!r} is not one the desk writes in: {', '.join(LANGUAGES)}.")
    return value
