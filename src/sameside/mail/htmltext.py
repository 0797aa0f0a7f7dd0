"""HTML mail made safe to show (`sanitize`) and readable as plain text (`to_text`).

Customers' HTML is hostile by default: it may carry scripts, event handlers,
tracking pixels behind odd URL schemes or CSS that restyles our pages. `sanitize`
keeps an allowlist (nh3/Ammonia does the parsing in Rust, fast). `to_text` serves
HTML-only mail: agents, search and reply-splitting all want text, and the
stdlib parser is enough to get paragraphs, lists, quotes and links right.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_SAFE_URL_SCHEMES = frozenset({"cid", "http", "https", "mailto"})
_SAFE_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height", "align"},
    "td": {"headers", "align", "rowspan", "colspan", "valign", "width"},
    "th": {"headers", "align", "rowspan", "colspan", "valign", "width", "scope"},
    "*": {"title", "dir", "lang"},
}
_SANITIZER = nh3.Cleaner(
    tags=set(nh3.ALLOWED_TAGS) | {"tfoot", "font"},
    clean_content_tags={"script", "style", "title", "template"},
    attributes=_SAFE_ATTRIBUTES,
    url_schemes=set(_SAFE_URL_SCHEMES),
    url_relative="deny",  # a relative URL would resolve against our own site
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """The HTML with only harmless tags, attributes and cid:/http(s)/mailto URLs left.

    Links get rel="noopener noreferrer" so an opened link cannot reach back
    into the agent's tab.
    """
    return _SANITIZER.clean(html)


# Elements whose content is never text a reader sees.
_INVISIBLE = frozenset({"script", "style", "head", "title", "template", "xml"})
# What may stand in <head>; any other tag there means the body began without a <body> tag.
_HEAD_CONTENT = frozenset({"meta", "link", "base", "noscript", "o:documentproperties"}) | _INVISIBLE
# Elements that sit on their own line(s).
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "pre", "hr", "address", "figure"}
)
_LINES = frozenset(
    {
        "div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "nav", "aside",
        "main", "caption", "tbody", "thead", "tfoot", "form", "fieldset", "center", "details", "summary",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u034f\u00ad"))
_SPACES = re.compile(r"\s+")


class _TextRenderer(HTMLParser):
    """Builds lines of text, each remembering how deep in <blockquote> it sits."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []  # (quote depth, text); "" marks a blank line
        self._pieces: list[str] = []
        self._prefix = ""  # "- " or "  2. " for the list item being written
        self._has_text = False
        self._quote = 0
        self._pre = 0
        self._invisible: list[str] = []
        self._lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self._links: list[tuple[str, list[str]]] = []  # (href, the link's text so far)

    # -- structure ---------------------------------------------------------

    def _end_line(self, *, force: bool = False) -> None:
        if self._pieces or force:
            text = "".join(self._pieces)
            text = text.rstrip() if self._pre else " ".join(text.split())
            self.lines.append((self._quote, self._prefix + text))
        self._pieces = []
        self._prefix = ""
        self._has_text = False

    def _blank_line(self) -> None:
        self._end_line()
        if self.lines and self.lines[-1][1]:
            self.lines.append((self._quote, ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" or (self._invisible[-1:] == ["head"] and tag not in _HEAD_CONTENT):
            self._invisible.clear()  # a <head> nobody closed must not hide the body
            if tag == "body":
                return
        if tag in _INVISIBLE:
            self._invisible.append(tag)
            return
        if self._invisible:
            return
        if tag == "br":
            self._end_line(force=True)
        elif tag == "blockquote":
            self._blank_line()
            self._quote += 1
        elif tag in {"ul", "ol"}:
            self._end_line() if self._lists else self._blank_line()  # a nested list is no new paragraph
            self._lists.append([int(tag == "ol"), 0])
        elif tag in _PARAGRAPHS:
            self._blank_line()
            if tag == "pre":
                self._pre += 1
        elif tag == "li":
            self._end_line()
            indent = "  " * max(len(self._lists) - 1, 0)
            if self._lists and self._lists[-1][0]:
                self._lists[-1][1] += 1
                self._prefix = f"{indent}{self._lists[-1][1]}. "
            else:
                self._prefix = f"{indent}- "
        elif tag in _LINES:
            self._end_line()
        elif tag in _CELLS:
            if self._has_text:
                self._pieces.append("  ")
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _INVISIBLE and tag != "a":  # <script/> or <a/> open nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            if tag in self._invisible:
                del self._invisible[len(self._invisible) - 1 - self._invisible[::-1].index(tag) :]
            return
        if self._invisible:
            return
        if tag == "blockquote":
            self._blank_line()
            self._quote = max(self._quote - 1, 0)
        elif tag in {"ul", "ol"}:
            if self._lists:
                self._lists.pop()
            self._end_line() if self._lists else self._blank_line()
        elif tag in _PARAGRAPHS:
            self._blank_line()
            if tag == "pre":
                self._pre = max(self._pre - 1, 0)
        elif tag in _LINES:
            self._end_line()
        elif tag == "a" and self._links:
            href, words = self._links.pop()
            self._append(_link_suffix(href, " ".join("".join(words).split())))

    # -- text --------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self._invisible or not data:
            return
        if self._pre:
            first, *rest = data.split("\n")
            self._append(first)
            for line in rest:
                self._end_line(force=True)
                self._append(line)
            return
        text = _SPACES.sub(" ", data)
        if not self._has_text:
            text = text.lstrip()
        self._append(text)

    def _append(self, text: str) -> None:
        if not text:
            return
        self._pieces.append(text)
        self._has_text = True
        for _, words in self._links:
            words.append(text)


def _link_suffix(href: str, text: str) -> str:
    """ " (url)" when the link goes somewhere its text does not say."""
    href = href.strip()
    if not text or not href.lower().startswith(("http://", "https://", "mailto:")):
        return ""
    target = href[7:] if href.lower().startswith("mailto:") else href
    bare = re.sub(r"^https?://", "", target, flags=re.IGNORECASE).rstrip("/")
    shown = re.sub(r"^https?://", "", text, flags=re.IGNORECASE).rstrip("/")
    if shown.lower() in {bare.lower(), target.lower()}:
        return ""
    return f" ({target})"


def to_text(html: str) -> str:
    """Readable plain text: paragraphs and line breaks kept, "- " list items, "> " quotes, link targets."""
    renderer = _TextRenderer()
    try:
        renderer.feed(html)
        renderer.close()
    except (AssertionError, ValueError):  # very broken markup: keep what was read so far
        pass
    renderer._end_line()
    return _join(renderer.lines).translate(_ZERO_WIDTH)


def _join(lines: list[tuple[int, str]]) -> str:
    """Lines with their quote prefixes; one blank line at most in a row, none at either end."""
    out: list[str] = []
    blank_pending = False
    blank_depth = 0
    for depth, text in lines:
        if not text.strip():
            if out:
                blank_pending, blank_depth = True, depth
            continue
        if blank_pending:
            out.append(("> " * min(depth, blank_depth)).rstrip())
            blank_pending = False
        out.append("> " * depth + text)
    return "\n".join(out)
