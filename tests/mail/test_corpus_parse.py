"""Acceptance: the shared real-world corpus parses, and machines are told from people.

The corpus lives outside the repository (licences stay with it); this test reads
it in place, where SAMESIDE_CORPUS_DIR says (tests/support.py), and skips when it is absent.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from sameside.mail.classify import MailKind, classify
from sameside.mail.parse import MalformedMail, ParsedMail, parse
from tests.support import CORPUS_DIR, corpus_dir

CORPUS = CORPUS_DIR / "mail"
LOOP_MARKER = "helpdesk@sameside.example"

# Raw messages that carry nothing to read at all (no From, no body): rejecting them is right.
EXPECTED_MALFORMED = {
    "stalwart-mail-parser/malformed__000.eml": "no From header and no body",  # fuzz output: headers of empty parts
}
AUTO_REPLIES = {f"sisimai-set-of-emails/rfc3834-0{n}.eml" for n in range(1, 7)} | {
    "sisimai-set-of-emails/dos-crlf__rfc3834-01.eml"
}
HUMANS = {
    "mailgun-flanker/iphone.eml",
    "mailgun-flanker/multipart.eml",
    "mailgun-flanker/text-only.eml",
    "mailgun-flanker/relative.eml",
    "mailgun-flanker/enclosed.eml",
    "mailgun-flanker/signed.eml",
    "mikel-mail/rfc2822__example01.eml",
    "mikel-mail/rfc2822__example06.eml",
    "mikel-mail/plain_emails__raw_email_reply.eml",
    "sisimai-set-of-emails/not__is-not-bounce-01.eml",
    "sisimai-set-of-emails/not__is-not-bounce-02.eml",
}


def _manifest() -> list[dict[str, str]]:
    with (corpus_dir("mail") / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _raw_messages(rows: list[dict[str, str]]) -> list[str]:
    """The .eml files: raw RFC 822 messages (the Outlook .msg and the reply-bodies text are not)."""
    return [r["file"] for r in rows if r["file"].endswith(".eml") and not r["file"].startswith("reply-bodies/")]


def _is_bounce(row: dict[str, str]) -> bool:
    """Delivery reports and classic NDRs, as the manifest describes them."""
    exercises = row["exercises"].lower()
    if "not a bounce" in exercises or _is_report(row):
        return False
    return (
        "bounce" in exercises
        or "dsn" in exercises
        or "delivery status" in exercises
        or ("DSN/report" in row["detected"])
    )


def _is_report(row: dict[str, str]) -> bool:
    exercises = row["exercises"].lower()
    return any(word in exercises for word in ("read receipt", "complaint", "abuse/feedback"))


@pytest.fixture(scope="module")
def corpus() -> dict[str, ParsedMail | MalformedMail]:
    results: dict[str, ParsedMail | MalformedMail] = {}
    for name in _raw_messages(_manifest()):
        try:
            results[name] = parse((CORPUS / name).read_bytes())
        except MalformedMail as exc:  # anything else fails the test on the spot
            results[name] = exc
    return results


def test_every_raw_message_parses(corpus: dict[str, ParsedMail | MalformedMail]) -> None:
    assert len(corpus) == 205  # 206 raw messages minus the Outlook .msg
    malformed = {name: str(r) for name, r in corpus.items() if isinstance(r, MalformedMail)}
    assert malformed.keys() == EXPECTED_MALFORMED.keys(), malformed
    for name, reason in EXPECTED_MALFORMED.items():
        assert reason in malformed[name]


def test_kinds_match_the_manifest(corpus: dict[str, ParsedMail | MalformedMail]) -> None:
    rows = {r["file"]: r for r in _manifest()}
    kinds = {
        name: classify(mail, loop_marker=LOOP_MARKER).kind
        for name, mail in corpus.items()
        if isinstance(mail, ParsedMail)
    }
    print("\ncorpus kinds:", dict(sorted(Counter(str(k) for k in kinds.values()).items())))

    bounces = {name for name in kinds if _is_bounce(rows[name])}
    reports = {name for name in kinds if _is_report(rows[name])}
    assert (len(bounces), len(reports)) == (38, 5)
    wrong = {name: kinds[name] for name in bounces if kinds[name] is not MailKind.BOUNCE}
    assert not wrong, wrong
    wrong = {name: kinds[name] for name in reports if kinds[name] is not MailKind.REPORT}
    assert not wrong, wrong
    wrong = {name: kinds[name] for name in AUTO_REPLIES if kinds[name] is not MailKind.AUTO_REPLY}
    assert not wrong, wrong
    humans = HUMANS | {name for name in kinds if name.startswith("django-helpdesk/")}
    wrong = {name: kinds[name] for name in humans if kinds[name] is not MailKind.HUMAN}
    assert not wrong, wrong
    # Sisimai files it under "not a bounce", but it is a mailbox-full notice from a postmaster: never answer it.
    assert kinds["sisimai-set-of-emails/not__rb-issue-368-bug.eml"] is not MailKind.HUMAN


def test_bounces_name_the_failed_recipient(corpus: dict[str, ParsedMail | MalformedMail]) -> None:
    from sameside.mail.classify import bounce_report

    rows = {r["file"]: r for r in _manifest()}
    missing = []
    for name, mail in corpus.items():
        if isinstance(mail, ParsedMail) and _is_bounce(rows[name]):
            report = bounce_report(mail)
            if report is None or not report.recipients:
                missing.append(name)
    assert missing == [], missing
