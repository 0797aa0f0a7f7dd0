"""Markdown to safe HTML, the one renderer: markdown-it-py (CommonMark) renders, nh3 (Ammonia) keeps an allowlist.

Knowledge articles and staff replies both go through here (pure, no I/O). Raw
HTML in the source is shown as text (markdown-it's `html` off), and whatever
the parser produces is cleaned again by nh3, so a `<script>`, an `onerror` or
a `javascript:` link never survives even if one of the two had a bug.

Two flavours, one allowlist:

- articles (`to_html`): CommonMark as written; a single newline is a space.
- replies (`reply_html`): a single newline is a line break, as in an email
  client or a chat box (agents write letters line by line, and replies sent
  before Markdown were plain text that must still read the same); no images,
  since a remote image in a customer's mail is a tracker and files travel as
  attachments.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_articles = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_replies = (
    MarkdownIt("commonmark", {"html": False, "typographer": False, "breaks": True})
    .enable("table")
    .enable("strikethrough")
    .disable("image")
)

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "s", "img",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
_SCHEMES = {"http", "https", "mailto"}
_REL = "noopener noreferrer nofollow"
# A bare address in a reply becomes a link, as mail clients do: written as a CommonMark autolink (`<https://…>`)
# before rendering. Not inside code (fences or backticks), nor one already in a link or an autolink.
_BARE_URL = re.compile(r"(?<![(<\[\"'=`/\w])https?://[^\s<>()\[\]`\"']+[^\s<>()\[\]`\"'.,;:!?]")
_FENCE = re.compile(r"^(?:```|~~~).*?^(?:```|~~~)[ \t]*$|`[^`\n]*`", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")


def clean(html: str, *, images: bool = True) -> str:
    """Any HTML cut down to the allowlist: no scripts, no handlers, no styles, links only to http(s) and mailto."""
    return nh3.clean(
        html,
        tags=_TAGS if images else _TAGS - {"img"},
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=_REL,
    )


def to_html(markdown: str) -> str:
    """An article's body as HTML a browser may show: raw HTML is escaped, links get rel=noopener, no scripts."""
    return clean(_articles.render(markdown))


@lru_cache(maxsize=1024)
def reply_html(markdown: str) -> str:
    """A staff reply as HTML for the desk, the portal and the email's HTML part (line breaks kept, no images).

    Cached: a timeline draws the same replies on every refresh, and the result depends on the text alone.
    """
    return clean(_replies.render(_autolinked(markdown)), images=False)


def reply_text(markdown: str) -> str:
    """A reply as the plain-text part of its email: the Markdown as written (it reads as text), with each link's
    address spelled out after its words — "the [form](https://x.example/f)" reads "the form (https://x.example/f)".
    """

    def spelled(found: re.Match[str]) -> str:
        words, url = found.group(1).strip(), found.group(2)
        return url if not words or words == url else f"{words} ({url})"

    return _LINK.sub(spelled, markdown)


def _autolinked(markdown: str) -> str:
    parts, at = [], 0
    for code in _FENCE.finditer(markdown):
        parts += [_BARE_URL.sub(r"<\g<0>>", markdown[at : code.start()]), code.group(0)]
        at = code.end()
    parts.append(_BARE_URL.sub(r"<\g<0>>", markdown[at:]))
    return "".join(parts)


def to_text(markdown: str) -> str:
    """The body as plain text, for a snippet or an insert into a reply."""
    text = nh3.clean(_articles.render(markdown), tags=set())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    text = text.replace("&#39;", "'")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def snippet(markdown: str, limit: int = 180) -> str:
    text = " ".join(to_text(markdown).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
