"""Classifying senders: machines are never answered automatically, people always are."""

from __future__ import annotations

from pathlib import Path

import pytest

from sameside.mail.classify import MailKind, bounce_report, classify
from sameside.mail.parse import parse

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "mail" / "parse"
LOOP_MARKER = "helpdesk@sameside.example"


def kind_of(name: str) -> MailKind:
    return classify(parse((FIXTURES / name).read_bytes()), loop_marker=LOOP_MARKER).kind


@pytest.mark.parametrize(
    "fixture",
    [
        "ooo_english.eml",
        "ooo_german.eml",
        "ooo_french.eml",
        "ooo_italian.eml",
        "ooo_dutch.eml",
        "ooo_japanese.eml",
        "ooo_outlook_short.eml",
        "auto_submitted_generated.eml",
        "x_autoreply.eml",
        "precedence_auto_reply.eml",
    ],
)
def test_auto_replies(fixture: str) -> None:
    assert kind_of(fixture) is MailKind.AUTO_REPLY


@pytest.mark.parametrize(
    "fixture",
    [
        "human_plain.eml",
        "latin1_qp.eml",
        "forwarded.eml",
        "outlook_meeting.eml",  # X-Auto-Response-Suppress alone: Outlook sets it on ordinary mail
        "human_subject_mentions_bounce.eml",  # a bounce subject from a person is no bounce
    ],
)
def test_people(fixture: str) -> None:
    classification = classify(parse((FIXTURES / fixture).read_bytes()), loop_marker=LOOP_MARKER)
    assert classification.kind is MailKind.HUMAN
    assert not classification.automatic


def test_auto_submitted_no_overrides_every_header_and_subject_heuristic() -> None:
    # Subject "Out of Office: …", Precedence: bulk and X-Autoreply are all present, but the sender said "no".
    classification = classify(parse((FIXTURES / "auto_submitted_no.eml").read_bytes()), loop_marker=LOOP_MARKER)
    assert classification.kind is MailKind.HUMAN
    assert classification.reason == "Auto-Submitted: no"


def test_auto_submitted_no_does_not_hide_a_real_report() -> None:
    raw = (FIXTURES / "bounce_dsn.eml").read_bytes().replace(b"Auto-Submitted: auto-replied", b"Auto-Submitted: no")
    assert classify(parse(raw), loop_marker=LOOP_MARKER).kind is MailKind.BOUNCE


def test_our_own_loop_marker_wins_even_over_auto_submitted_no() -> None:
    classification = classify(parse((FIXTURES / "x_loop.eml").read_bytes()), loop_marker=LOOP_MARKER)
    assert classification.kind is MailKind.LOOP
    assert classification.automatic
    assert classify(parse((FIXTURES / "x_loop.eml").read_bytes()), loop_marker="other@example.com").kind is (
        MailKind.HUMAN
    )


def test_mailing_list() -> None:
    classification = classify(parse((FIXTURES / "mailing_list.eml").read_bytes()), loop_marker=LOOP_MARKER)
    assert classification.kind is MailKind.BULK
    assert classification.reason == "List-Id: Users <users.lists.example.com>"


def test_standard_dsn_is_a_bounce_with_its_report() -> None:
    classification = classify(parse((FIXTURES / "bounce_dsn.eml").read_bytes()), loop_marker=LOOP_MARKER)
    assert classification.kind is MailKind.BOUNCE
    assert classification.reason == "delivery-status report (5.1.1 failed)"
    assert classification.report is not None
    assert classification.report.recipients[0] == "customer@example.net"
    assert classification.report.original_message_id == "reply-42@sameside.example"


@pytest.mark.parametrize(
    ("fixture", "action", "status", "recipients", "original"),
    [
        ("bounce_exim.eml", "failed", "5.1.1", ["gone@example.net"], "reply-7@sameside.example"),
        ("bounce_qmail.eml", "failed", "5.1.1", ["nobody@example.ne.jp"], "reply-9@sameside.example"),
        ("bounce_exchange.eml", "failed", "5.1.1", ["someone@example.jp"], None),
        ("bounce_gmail_delay.eml", "delayed", "", ["slow@example.com"], None),
    ],
)
def test_classic_bounces_get_a_best_effort_report(
    fixture: str, action: str, status: str, recipients: list[str], original: str | None
) -> None:
    mail = parse((FIXTURES / fixture).read_bytes())
    classification = classify(mail, loop_marker=LOOP_MARKER)
    assert classification.kind is MailKind.BOUNCE
    report = classification.report
    assert report is not None and report == bounce_report(mail)
    assert (report.action, report.status, report.recipients, report.original_message_id) == (
        action,
        status,
        recipients,
        original,
    )


def test_read_receipt_and_abuse_complaint_are_reports() -> None:
    receipt = classify(parse((FIXTURES / "read_receipt.eml").read_bytes()), loop_marker=LOOP_MARKER)
    complaint = classify(parse((FIXTURES / "abuse_complaint.eml").read_bytes()), loop_marker=LOOP_MARKER)
    assert (receipt.kind, complaint.kind) == (MailKind.REPORT, MailKind.REPORT)
    assert "read receipt" in receipt.reason and "abuse" in complaint.reason
