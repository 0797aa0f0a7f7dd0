"""HTML mail shown safely and read as text: what an agent sees of an HTML-only message."""

from sameside.mail.htmltext import sanitize, to_text


def test_paragraphs_breaks_and_entities_become_plain_lines() -> None:
    text = to_text("<p>Hello&nbsp;<b>world</b> &amp; friends</p><div>Line 1<br>Line 2</div>")
    assert text == "Hello world & friends\n\nLine 1\nLine 2"


def test_head_script_and_style_are_not_text() -> None:
    html = "<html><head><title>Title</title><style>p{}</style></head><body><script>x()</script><p>Body</p></body>"
    assert to_text(html) == "Body"


def test_unclosed_head_does_not_hide_the_body() -> None:
    assert to_text("<head><title>t</title><p>still visible") == "still visible"


def test_list_items_become_dashes_and_ordered_lists_numbers() -> None:
    text = to_text("<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul><ol><li>a</li><li>b</li></ol>")
    assert text == "- one\n- two\n  - inner\n\n1. a\n2. b"


def test_blockquote_lines_are_prefixed() -> None:
    text = to_text("<p>Reply</p><blockquote><p>quoted</p><p>more</p><blockquote>deeper</blockquote></blockquote>")
    assert text == "Reply\n\n> quoted\n>\n> more\n>\n> > deeper"


def test_links_keep_text_and_show_the_target_only_when_it_differs() -> None:
    html = (
        '<a href="https://example.com/guide">the guide</a> '
        '<a href="https://example.com/">https://example.com</a> '
        '<a href="mailto:a@example.com">a@example.com</a> <a href="javascript:x()">js</a>'
    )
    assert to_text(html) == "the guide (https://example.com/guide) https://example.com a@example.com js"


def test_at_most_one_blank_line_in_a_row() -> None:
    assert to_text("<p>a</p><p></p><p></p><br><br><br><p>b</p>") == "a\n\nb"


def test_pre_keeps_its_layout() -> None:
    assert to_text("<pre>  indented\n    more</pre>") == "  indented\n    more"


def test_sanitize_removes_scripts_handlers_and_unsafe_urls() -> None:
    html = sanitize(
        '<p onclick="x()">hi</p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">j</a><a href="/relative">r</a><a href="https://ok.example">ok</a>'
        '<img src="cid:logo@x"><img src="data:image/png;base64,AA">'
    )
    assert "onclick" not in html and "script" not in html and "alert" not in html and "p{}" not in html
    assert "javascript:" not in html and "/relative" not in html and "data:" not in html
    assert '<a href="https://ok.example" rel="noopener noreferrer">ok</a>' in html
    assert '<img src="cid:logo@x">' in html
