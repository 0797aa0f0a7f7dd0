"""Markdown to safe HTML: markdown-it-py (CommonMark) renders, nh3 (Ammonia) keeps only an allowlist (pure)."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "img",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}


def to_html(markdown: str) -> str:
    """The article's body as HTML a browser may show: raw HTML is escaped, links get rel=noopener, no scripts."""
    html = _md.render(markdown)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def to_text(markdown: str) -> str:
    """The body as plain text, for a snippet or an insert into a reply."""
    text = nh3.clean(_md.render(markdown), tags=set())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    text = text.replace("&#39;", "'")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def snippet(markdown: str, limit: int = 180) -> str:
    text = " ".join(to_text(markdown).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
