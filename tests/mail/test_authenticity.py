"""Reading Authentication-Results (RFC 8601) and deciding whether a sender is who their From says."""

from __future__ import annotations

import re

import pytest

from sameside.mail.authenticity import Verdict, aligned, sender_authenticity
from sameside.mail.authresults import MethodResult, parse_authentication_results
from sameside.mail.parse import parse
from tests.support import corpus_dir

OURS = "mx.acme.example"
DANA = "dana@example.com"


def check(*fields: str, sender: str = DANA, from_address: str | None = DANA, server: str | None = OURS) -> Verdict:
    return sender_authenticity(list(fields), authserv_id=server, sender=sender, from_address=from_address).verdict


# ---------------------------------------------------------------- the field


def test_a_field_as_servers_write_it() -> None:
    parsed = parse_authentication_results(
        "mx.acme.example;\r\n"
        "       dkim=pass header.i=@example.com header.s=20161025 header.b=RJNz7/+a;\r\n"
        "       spf=pass (acme: domain of dana@example.com designates 192.0.2.7 as permitted sender)"
        " smtp.mailfrom=dana@example.com;\r\n"
        "       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=example.com"
    )

    assert parsed is not None and parsed.authserv_id == OURS
    assert parsed.results == (
        MethodResult(
            "dkim", "pass", None, {"header.i": "@example.com", "header.s": "20161025", "header.b": "RJNz7/+a"}
        ),
        MethodResult("spf", "pass", None, {"smtp.mailfrom": "dana@example.com"}),
        MethodResult("dmarc", "fail", None, {"header.from": "example.com"}),
    )


def test_comments_and_quoted_strings_cannot_smuggle_a_result() -> None:
    parsed = parse_authentication_results(
        'mx.acme.example 1; spf=fail (nested (comment; dmarc=pass) here) smtp.mailfrom="a;dmarc=pass"@example.com'
        ' reason="not \\"permitted\\""; dkim/1 = fail header.d=example.com'
    )

    assert parsed is not None
    assert [(r.method, r.result) for r in parsed.results] == [("spf", "fail"), ("dkim", "fail")]
    assert parsed.results[0].reason == 'not "permitted"'
    assert parsed.results[0].properties == {"smtp.mailfrom": "a;dmarc=pass@example.com"}


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "spf=none (sender IP is 192.0.2.6) smtp.mailfrom=a@example.ed.jp; example.com; dkim=none",  # no authserv-id
        "mx.acme.example 2; dmarc=pass header.from=example.com",  # a version we do not know
        "mx.acme.example from=example.com; dkim=pass",  # junk after the id
        "mx.acme.example; dmarc=pass (unclosed comment header.from=example.com",
        'mx.acme.example; dmarc=pass header.from="unclosed',
        "x" * 20_000,
    ],
)
def test_a_field_we_cannot_read_is_no_field(value: str) -> None:
    assert parse_authentication_results(value) is None


def test_a_server_that_found_nothing_to_check_says_none() -> None:
    parsed = parse_authentication_results("mx.acme.example; none")
    assert parsed is not None and parsed.results == ()


def test_every_authentication_results_field_in_the_corpus_is_read_or_set_aside() -> None:
    """Real servers' fields, enclosed ones too: read without an exception, and the readable ones mostly are."""
    fields = []
    for path in sorted(corpus_dir("mail").rglob("*.eml")):
        for match in re.finditer(rb"(?im)^Authentication-Results:(.*(?:\r?\n[ \t].*)*)", path.read_bytes()):
            fields.append(re.sub(r"\r?\n[ \t]", " ", match.group(1).decode("utf-8", "replace")).strip())

    read = [parsed for value in fields if (parsed := parse_authentication_results(value)) is not None]

    assert len(fields) >= 40
    assert len(read) >= 0.75 * len(fields)
    methods = {r.method for parsed in read for r in parsed.results}
    assert {"dkim", "spf", "dmarc"} <= methods
    assert all(re.fullmatch(r"[a-z][a-z0-9_-]*", r.result) for parsed in read for r in parsed.results)


def test_the_parser_hands_intake_the_fields_top_first() -> None:
    raw = (
        b"Authentication-Results: mx.acme.example; dmarc=fail\r\n header.from=example.com\r\n"
        b"Received: from mail.example.com by mx.acme.example\r\n"
        b"Authentication-Results: mx.acme.example; dmarc=pass header.from=example.com\r\n"
        b"From: Dana <dana@example.com>\r\nTo: support@acme.example\r\nSubject: hi\r\n\r\nHello\r\n"
    )

    assert parse(raw).authentication_results == [
        " mx.acme.example; dmarc=fail header.from=example.com".strip(),
        "mx.acme.example; dmarc=pass header.from=example.com",
    ]


# ---------------------------------------------------------------- the verdict


def test_dmarc_decides_when_our_server_gives_a_verdict() -> None:
    assert check(f"{OURS}; dmarc=pass header.from=example.com") is Verdict.VERIFIED
    assert check(f"{OURS}; dkim=pass header.d=example.com; dmarc=fail header.from=example.com") is Verdict.NOT_VERIFIED


def test_only_our_server_is_believed() -> None:
    theirs = "mx.evil.example; dmarc=pass header.from=example.com"
    ours_fail = f"{OURS}; dmarc=fail header.from=example.com"

    assert check(theirs) is Verdict.NOT_VERIFIED  # nothing from our server: nothing to go by
    assert check(theirs, ours_fail) is Verdict.NOT_VERIFIED
    assert check(f"{OURS.upper()}; dmarc=pass header.from=example.com") is Verdict.VERIFIED  # a host name


def test_a_field_naming_our_server_below_the_genuine_one_is_a_forgery_and_loses() -> None:
    genuine = f"{OURS}; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com"
    forged = f"{OURS}; dmarc=pass header.from=example.com"

    assert check(genuine, forged) is Verdict.NOT_VERIFIED


def test_a_fail_anywhere_in_our_servers_verdict_for_the_domain_wins() -> None:
    assert (
        check(f"{OURS}; dmarc=pass header.from=example.com; dmarc=fail header.from=example.com") is Verdict.NOT_VERIFIED
    )


def test_a_dmarc_verdict_about_another_domain_says_nothing_about_the_sender() -> None:
    assert check(f"{OURS}; dmarc=pass header.from=elsewhere.example") is Verdict.NOT_VERIFIED
    assert check(f"{OURS}; dmarc=fail header.from=elsewhere.example; dkim=pass header.d=example.com") is (
        Verdict.VERIFIED
    )
    # Without header.from the verdict is about the From address: the sender's only if they are the same.
    assert check(f"{OURS}; dmarc=pass") is Verdict.VERIFIED
    assert check(f"{OURS}; dmarc=pass", from_address="someone@elsewhere.example") is Verdict.NOT_VERIFIED


def test_without_a_dmarc_verdict_an_aligned_dkim_or_spf_pass_verifies() -> None:
    assert check(f"{OURS}; dkim=pass header.d=example.com; dmarc=none header.from=example.com") is Verdict.VERIFIED
    assert check(f"{OURS}; dkim=pass header.i=@example.com") is Verdict.VERIFIED
    assert check(f"{OURS}; spf=pass smtp.mailfrom=bounces@example.com") is Verdict.VERIFIED
    assert check(f"{OURS}; dmarc=temperror; spf=pass smtp.mailfrom=example.com") is Verdict.VERIFIED
    assert check(f"{OURS}; dkim=pass header.d=esp.example; spf=pass smtp.mailfrom=esp.example") is (
        Verdict.NOT_VERIFIED
    )
    assert check(f"{OURS}; spf=pass smtp.helo=mail.example.com") is Verdict.NOT_VERIFIED  # HELO is no sender
    assert check(f"{OURS}; dkim=fail header.d=example.com; spf=softfail smtp.mailfrom=example.com") is (
        Verdict.NOT_VERIFIED
    )


def test_alignment_takes_a_parent_domain_never_a_child_a_sibling_or_a_bare_tld() -> None:
    assert aligned("example.com", "example.com")
    assert aligned("example.com", "mail.example.com")
    assert not aligned("mail.example.com", "example.com")
    assert not aligned("other.example.com", "mail.example.com")
    assert not aligned("ample.com", "example.com")
    assert not aligned("com", "example.com")
    assert not aligned("", "example.com")


def test_the_reason_says_what_the_verdict_rests_on() -> None:
    failed = sender_authenticity(
        [f"{OURS}; dmarc=fail header.from=example.com"], authserv_id=OURS, sender=DANA, from_address=DANA
    )
    assert failed.reason == f"DMARC failed for example.com, as {OURS} found"
    nothing = sender_authenticity([], authserv_id=OURS, sender=DANA, from_address=DANA)
    assert nothing.reason == f"no Authentication-Results from {OURS}"


def test_without_a_named_server_nobody_is_checked() -> None:
    forged = f"{OURS}; dmarc=fail header.from=example.com"
    assert check(forged, server=None) is Verdict.UNCHECKED
    assert check(forged, server="  ") is Verdict.UNCHECKED
