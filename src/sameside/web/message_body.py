"""A timeline message's body as HTML: a person's reply rendered from Markdown, everything else as plain text.

The Jinja filter `message_body` (registered in `pages`), used by the desk's
and the portal's timelines alike. A staff reply goes through `kit.markdown`
(raw HTML shown as text, then an allowlist), so what the desk shows is what
the customer reads; a customer's words, and what the software writes, are
escaped and keep their line breaks (`.body` is `pre-wrap`).
"""

from __future__ import annotations

from markupsafe import Markup

from sameside.cases.models import TimelineEntry
from sameside.cases.replies.rules import written_in_markdown
from sameside.cases.rules import EntryKind
from sameside.kit import markdown


def is_markdown(entry: TimelineEntry) -> bool:
    return entry.kind is EntryKind.MESSAGE and written_in_markdown(
        outbound=entry.direction == "outbound", by_staff=entry.author_staff_id is not None, automatic=entry.is_automatic
    )


def message_body(entry: TimelineEntry) -> Markup:
    """`<div class="body">…</div>`, safe to put in a page as it is."""
    body = entry.body or ""
    if is_markdown(entry):
        safe = markdown.reply_html(body)  # sanitised by nh3's allowlist: the one place its HTML is trusted
        return Markup(f'<div class="body markdown">{safe}</div>')  # noqa: S704
    return Markup('<div class="body">{}</div>').format(body)
