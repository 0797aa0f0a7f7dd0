"""Incidents' pure rules: what is in scope, the customer list, who may declare, what customers read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sameside.incidents import rules
from sameside.incidents.rules import Contact, IncidentStatus, Scope
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid


def contact(**kw: object) -> Contact:
    base: dict[str, object] = {"customer_id": 1, "organization_id": None, "tags": frozenset(), "text": ""}
    base.update(kw)
    return Contact(**base)  # type: ignore[arg-type]


def test_each_kind_of_scope_says_why_a_contact_is_in_it() -> None:
    scope = Scope(
        tags=frozenset({"router"}),
        organizations=frozenset({7}),
        pattern=rules.parse_pattern('"cannot log in"'),
        listed=frozenset({42}),
    )
    assert rules.why_in_scope(scope, contact(customer_id=42)) == "list"
    assert rules.why_in_scope(scope, contact(organization_id=7)) == "organisation"
    assert rules.why_in_scope(scope, contact(tags=frozenset({"router", "billing"}))) == "tag"
    assert rules.why_in_scope(scope, contact(text="Help\nI CANNOT log-in since this morning")) == "pattern"
    assert rules.why_in_scope(scope, contact(text="I cannot see the log in button")) is None
    assert rules.why_in_scope(scope, contact(organization_id=8, tags=frozenset({"billing"}))) is None
    # Whom it touches and what it says: what it says is the reason, the one that lets the end resolve it.
    assert rules.why_in_scope(scope, contact(customer_id=42, tags=frozenset({"router"}))) == "tag"
    assert rules.why_in_scope(scope, contact(organization_id=7, text="I cannot log in")) == "pattern"
    assert [rules.about_the_problem(r) for r in ("tag", "pattern", "list", "organisation")] == [
        True,
        True,
        False,
        False,
    ]


def test_a_pattern_needs_every_word_stems_and_accents_folded() -> None:
    pattern = rules.parse_pattern("payments failing")
    assert pattern is not None
    assert rules.matches_text(pattern, "My payment is FAILING again")
    assert not rules.matches_text(pattern, "My payment went through")
    accented = rules.parse_pattern("café")
    assert accented is not None and rules.matches_text(accented, "the cafe app")
    assert rules.parse_pattern("  ") is None
    with pytest.raises(Invalid, match=r"^pattern:"):
        rules.parse_pattern("x" * 300)


def test_only_supervisors_and_admins_declare() -> None:
    with pytest.raises(Forbidden):
        rules.check_declare(StaffActor(1, Role.AGENT))
    assert rules.check_declare(StaffActor(1, Role.SUPERVISOR)).staff_id == 1
    with pytest.raises(Conflict):
        rules.check_open(IncidentStatus.RESOLVED)


def test_a_csv_with_a_heading_gives_its_email_column_and_names_the_rows_without_one() -> None:
    data = "name;email\nAna;ana@example.com\nBo;not given\nCy;<CY@Example.com>\nAna again;ana@example.com\n"
    listed = rules.read_customer_list(data.encode())
    assert listed.addresses == ("ana@example.com", "cy@example.com")
    assert listed.refused == ("row 3: “Bo,not given”",)


def test_a_plain_list_one_address_a_line_with_a_bom() -> None:
    listed = rules.read_customer_list("\ufeffa@x.example\r\nb@y.example\r\n".encode())
    assert listed.addresses == ("a@x.example", "b@y.example")


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        (b"\x89PNG\x00\x00", 422, "binary"),
        ("caf\xe9@x.example".encode("latin-1"), 422, "UTF-8"),
        (b"name\nnobody\n", 422, "no email address"),
        (b"a@x.example\n" * 100_000, 413, "at most"),
    ],
)
def test_a_bad_list_is_refused_with_its_reason(data: bytes, status: int, words: str) -> None:
    with pytest.raises(Invalid) as refused:
        rules.read_customer_list(data)
    assert refused.value.status == status and words in refused.value.detail
    assert refused.value.detail.startswith("customers:")


def test_what_customers_read() -> None:
    since = datetime(2031, 3, 6, 8, 30, tzinfo=UTC)
    assert "since 06 Mar 08:30 UTC" in rules.status_line(IncidentStatus.INVESTIGATING, since)
    notice = rules.notice_text(
        "Hello Ana,",
        title="Card payments fail",
        message="Payments by card fail at checkout.",
        status=IncidentStatus.INVESTIGATING,
        update_text=None,
        portal="https://help.example/portal",
    )
    assert notice.startswith("Hello Ana,") and "hear it from us first" in notice and "investigating" in notice
    done = rules.notice_text(
        "Hello Ana,",
        title="Card payments fail",
        message="",
        status=IncidentStatus.RESOLVED,
        update_text="Fixed at 10:00.",
        portal=None,
    )
    assert "is fixed" in done and "Fixed at 10:00." in done
    assert rules.notice_subject("X", update=0, resolved=False).startswith("A problem")
    assert rules.notice_subject("X", update=2, resolved=True) == "Resolved: X"
    paragraph = rules.acknowledgement_paragraph("Outage", "Logins fail.", IncidentStatus.IDENTIFIED, "Fix at noon.")
    assert "already know" in paragraph and "Fix at noon." in paragraph
    unsure = rules.acknowledgement_paragraph("Outage", "Logins fail.", IncidentStatus.IDENTIFIED, None, sure=False)
    assert unsure.startswith("In case you write about it") and "something else, we answer it" in unsure
