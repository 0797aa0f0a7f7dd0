"""The one Markdown renderer: what it keeps, and that nothing hostile survives it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from sameside.kit import markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    '[x](https://ok.example "title" onclick=alert(1))',
    '<https://ok.example/"onmouseover="alert(1)>',
    "```\n</code><script>alert(1)</script>\n```",
]


SAFE_TAGS = {"p", "br", "strong", "em", "code", "pre", "a", "img", "ul", "ol", "li", "s", "del", "blockquote"}


class Markup(HTMLParser):
    """Every element and attribute a browser would build from the HTML (text, escaped, is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("source", HOSTILE)
@pytest.mark.parametrize("render", [markdown.reply_html, markdown.to_html])
def test_nothing_hostile_survives(render: object, source: str) -> None:
    assert callable(render)
    parsed = Markup()
    parsed.feed(render(source))
    for tag, attrs in parsed.tags:
        assert tag in SAFE_TAGS, (source, tag)
        assert set(attrs) <= {"href", "rel", "title", "src", "alt"}, (source, attrs)
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                assert str(attrs[name]).startswith(("https://", "http://", "mailto:")), (source, attrs)


def test_a_reply_keeps_its_lines_and_its_emphasis() -> None:
    source = "Hello Ana,\nthanks for waiting.\n\n**Your refund** is _on its way_:\n\n- step one\n- two"
    html = markdown.reply_html(source)
    assert "<p>Hello Ana,<br>\nthanks for waiting.</p>" in html
    assert "<strong>Your refund</strong>" in html and "<em>on its way</em>" in html
    assert "<ul>\n<li>step one</li>" in html


def test_links_get_rel_and_bare_addresses_become_links_outside_code() -> None:
    html = markdown.reply_html(
        "See https://acme.example/refunds. Or [the form](https://acme.example/f).\n\n`https://c.example`"
    )
    assert '<a href="https://acme.example/refunds" rel="noopener noreferrer nofollow">' in html
    assert "refunds</a>." in html  # the full stop ends the sentence, not the address
    assert '<a href="https://acme.example/f" rel="noopener noreferrer nofollow">the form</a>' in html
    assert "<code>https://c.example</code>" in html


def test_a_reply_shows_no_remote_image() -> None:
    html = markdown.reply_html("![pixel](https://tracker.example/p.gif)")
    assert "<img" not in html
    assert "<img" in markdown.to_html("![diagram](https://acme.example/d.png)")  # articles keep theirs


def test_raw_html_is_shown_as_text() -> None:
    assert markdown.reply_html("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_the_plain_text_part_spells_out_each_link() -> None:
    text = markdown.reply_text(
        'Use [the form](https://acme.example/f "Form") or [https://a.example](https://a.example).'
    )
    assert text == "Use the form (https://acme.example/f) or https://a.example."
    assert markdown.reply_text("**Bold** stays as written.\n- a list") == "**Bold** stays as written.\n- a list"


def test_an_article_keeps_commonmark_soft_breaks() -> None:
    assert markdown.to_html("one\ntwo") == "<p>one\ntwo</p>\n"
    assert markdown.snippet("# Title\n\nSome *words* here.") == "Title Some words here."
