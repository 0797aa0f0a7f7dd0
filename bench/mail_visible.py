"""Reply extraction on the shared mail corpus: mail-parser-reply, email-reply-parser and ours, side by side.

    .venv/bin/python bench/mail_visible.py [--failures NAME]

Reads ../shared/corpus/mail in place (or $SAMESIDE_CORPUS_DIR/mail; see its SOURCES.md): the reply-body
folders with their `expected.jsonl` (`visible_text`) and mailgun-talon's own
expectations (`.eml`: first text/plain part; `.html`: turned into text here,
compared with all whitespace removed, as talon's tests do). Each folder's
expectations come from that folder's reference implementation, so a library
looks perfect on its own folder: the table shows every folder and the total.

Exact = equal after normalising whitespace (trailing spaces per line, runs of
blank lines, the ends). Similarity = difflib ratio of the normalised texts.
Time = per message, one warm-up pass first.
"""

from __future__ import annotations

import argparse
import difflib
import email
import email.policy
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

from email_reply_parser import EmailReplyParser as ZapierParser
from mailparser_reply import EmailReplyParser as MailParserReply

from sameside.mail.visible import ALL_LANGUAGES, visible_text

# Where the shared corpus is: $SAMESIDE_CORPUS_DIR, as for the tests (tests/support.py), or ../shared/corpus.
_CORPUS_DIR = os.environ.get("SAMESIDE_CORPUS_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CORPUS = Path(_CORPUS_DIR).absolute() / "mail"
OVERALL = "overall"


@dataclass(frozen=True, slots=True)
class Case:
    folder: str
    name: str
    text: str
    expected: str
    ignore_all_whitespace: bool  # talon's HTML cases compare with every whitespace removed


def load_cases(root: Path = CORPUS) -> list[Case]:
    cases: list[Case] = []
    for folder in sorted(p for p in (root / "reply-bodies").iterdir() if p.is_dir()):
        for row in _jsonl(folder / "expected.jsonl"):
            text = (folder / row["file"]).read_text(encoding="utf-8", errors="replace")
            cases.append(Case(folder.name, row["file"], text, row["visible_text"], False))
    talon = root / "mailgun-talon"
    for row in _jsonl(talon / "expected.jsonl"):
        path = talon / row["file"]
        if path.suffix == ".eml":
            text, loose = _first_plain_part(path.read_bytes()), False
        else:
            text, loose = html_to_text(path.read_text(encoding="utf-8", errors="replace")), True
        cases.append(Case(talon.name, row["file"], text, row["expected_reply_text"], loose))
    return cases


def _jsonl(path: Path) -> Iterator[dict[str, str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def _first_plain_part(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    for part in message.walk():
        if part.get_content_type() == "text/plain" and isinstance(part, EmailMessage):
            return str(part.get_content())
    return ""


class _HtmlText(HTMLParser):
    """Just enough HTML to text for talon's fixtures: blocks break lines, <blockquote> becomes "> "."""

    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "table", "hr", "blockquote", "pre", "h1", "h2", "h3"})
    SKIP = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self.depth = 0
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipping += tag in self.SKIP
        self.depth += tag == "blockquote"
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        if tag == "blockquote":
            self.depth = max(0, self.depth - 1)
        if tag in self.BLOCKS and tag != "br":
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        data = re.sub(r"\s+", " ", data)
        if self.depth and data.strip():
            self.out.append("> " * self.depth)
        self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def normalise(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def compare(case: Case, got: str) -> tuple[bool, float]:
    if case.ignore_all_whitespace:
        a, b = re.sub(r"\s+", "", got), re.sub(r"\s+", "", case.expected)
    else:
        a, b = normalise(got), normalise(case.expected)
    return a == b, difflib.SequenceMatcher(None, a, b).ratio()


_mail_parser_reply = MailParserReply(languages=list(ALL_LANGUAGES))


def mail_parser_reply(text: str) -> str:
    """The library's latest reply (its own notion of visible: signature included)."""
    return _mail_parser_reply.parse_reply(text) or ""


def email_reply_parser(text: str) -> str:
    return str(ZapierParser.parse_reply(text))


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "mail-parser-reply": mail_parser_reply,
    "email-reply-parser": email_reply_parser,
    "sameside": visible_text,
}


@dataclass(frozen=True, slots=True)
class Score:
    exact: int
    total: int
    similarity: float


def score(extract: Callable[[str], str], cases: list[Case]) -> tuple[dict[str, Score], list[float], list[Case]]:
    """Per-folder and overall scores, the time per message in seconds, and the cases missed."""
    per: dict[str, list[tuple[bool, float]]] = {}
    seconds: list[float] = []
    missed: list[Case] = []
    for case in cases:
        extract(case.text)  # warm-up: compiled patterns and caches, as in a running worker
        started = time.perf_counter()
        got = extract(case.text)
        seconds.append(time.perf_counter() - started)
        ok, similarity = compare(case, got)
        if not ok:
            missed.append(case)
        per.setdefault(case.folder, []).append((ok, similarity))
        per.setdefault(OVERALL, []).append((ok, similarity))
    scores = {
        folder: Score(sum(ok for ok, _ in rows), len(rows), statistics.fmean(s for _, s in rows))
        for folder, rows in per.items()
    }
    return scores, seconds, missed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", choices=sorted(EXTRACTORS), help="also list the cases this one misses")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS} (set SAMESIDE_CORPUS_DIR to the corpus folder)")
    cases = load_cases()
    results = {name: score(fn, cases) for name, fn in EXTRACTORS.items()}
    folders = [OVERALL, *sorted({c.folder for c in cases})]
    print(f"{len(cases)} messages; exact = equal after normalising whitespace; sim = mean difflib ratio\n")
    print(f"{'folder':<28} {'n':>4}" + "".join(f" | {name:>25}" for name in EXTRACTORS))
    for folder in folders:
        n = results["sameside"][0][folder].total
        row = f"{folder:<28} {n:>4}"
        for name in EXTRACTORS:
            s = results[name][0][folder]
            row += f" | {s.exact:>4} {100 * s.exact / s.total:5.1f}% sim {s.similarity:.3f}"
        print(row)
    print(f"\n{'time per message':<33}" + "".join(f" | {name:>25}" for name in EXTRACTORS))
    for label, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        row = f"{label:<33}"
        for name in EXTRACTORS:
            row += f" | {1000 * _percentile(results[name][1], q):>21.3f} ms"
        print(row)
    if args.failures:
        print(f"\nmissed by {args.failures}:")
        for case in results[args.failures][2]:
            print(f"  {case.folder}/{case.name}")


if __name__ == "__main__":
    main()
