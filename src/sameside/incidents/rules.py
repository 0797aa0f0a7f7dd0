"""What an incident is in scope of, who may declare one, the customer list it may carry, and what customers read.

Pure: no database, no web.

An incident's scope is any of four things, and a customer is affected when
one holds:

- product **tags**: a case carrying one of them;
- **organisations**: a customer who belongs to one;
- a text **pattern**: words or a "quoted phrase", matched as search matches
  them (`search.rules`: every term, stems and accents folded) against a
  contact's subject and message;
- an uploaded **customer list**: the customers with those email addresses.

Tags and a pattern describe cases, so they find customers through their open
cases (and new contacts); organisations and a list name customers outright,
so with "tell everyone in scope" they reach customers with no open case too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.addresses import normalize_email
from sameside.kit.errors import Conflict, Forbidden, Invalid
from sameside.search import rules as search

TITLE_MAX = 200
MESSAGE_MAX = 5_000
TAGS_MAX = 20
ORGANISATIONS_MAX = 50
CSV_BYTES_MAX = 1024 * 1024
"""An uploaded customer list may be this large (about 30,000 addresses)."""
CSV_ROWS_MAX = 20_000
ADDRESS_MAX = 320


class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


STATUS_WORDS = {
    IncidentStatus.INVESTIGATING: "We are investigating",
    IncidentStatus.IDENTIFIED: "We have found the cause and are fixing it",
    IncidentStatus.MONITORING: "A fix is in place and we are watching it",
    IncidentStatus.RESOLVED: "Resolved",
}
"""The status as a customer reads it."""


class IncidentResolved(Conflict):
    title = "Incident resolved"
    slug = "incident-resolved"


class ListTooLarge(Invalid):
    status = 413
    title = "Customer list too large"
    slug = "customer-list-too-large"


# ---------------------------------------------------------------- who may


def check_declare(actor: Actor, what: str = "declare an incident") -> StaffActor:
    """Supervisors and admins declare, update and resolve incidents; everyone on staff reads them."""
    if not isinstance(actor, StaffActor) or not actor.at_least(Role.SUPERVISOR):
        raise Forbidden(f"Only supervisors and admins may {what}.")
    return actor


def check_open(status: IncidentStatus) -> None:
    if status is IncidentStatus.RESOLVED:
        raise IncidentResolved("This incident is resolved: declare a new one if the problem is back.")


# ---------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    tags: frozenset[str] = frozenset()
    organizations: frozenset[int] = frozenset()
    pattern: search.Query | None = None
    listed: frozenset[int] = frozenset()
    """Customers on the uploaded list, by id."""

    @property
    def empty(self) -> bool:
        return not (self.tags or self.organizations or self.pattern or self.listed)


@dataclass(frozen=True)
class Contact:
    """What the scope is matched against: a case (new or open) and its customer."""

    customer_id: int
    organization_id: int | None
    tags: frozenset[str]
    text: str
    """Subject and message(s), as the customer wrote them."""


def clean_tags(tags: Iterable[str]) -> frozenset[str]:
    """Tags as cases keep them: lower case, trimmed; at most `TAGS_MAX`."""
    cleaned = frozenset(t.strip().lower()[:50] for t in tags if t and t.strip())
    if len(cleaned) > TAGS_MAX:
        raise Invalid(f"tags: at most {TAGS_MAX} product tags; this scope has {len(cleaned)}.")
    return cleaned


def parse_pattern(text: str | None) -> search.Query | None:
    """The text pattern as search reads a query; None when blank. Refused (naming `pattern`) as search refuses."""
    if text is None or not text.strip():
        return None
    try:
        return search.parse(text)
    except Invalid as error:
        raise Invalid(error.detail.replace("q:", "pattern:", 1)) from None


def matches_text(pattern: search.Query, text: str) -> bool:
    """Whether `text` holds every term of the pattern (each word or its stem, each phrase as a run)."""
    found = {term for _, _, term in search.hits(text, pattern)}
    return len(found) == len(pattern.terms)


PROBLEM_REASONS = frozenset({"tag", "pattern"})
"""Reasons that say what a contact is about; "list" and "organisation" say only whom an incident touches."""


def why_in_scope(scope: Scope, contact: Contact) -> str | None:
    """Why a contact is in scope ("tag", "pattern", "list", "organisation"), or None. Cheap tests first.

    A contact both about the problem and from a customer it touches is in scope for the problem: that is the
    stronger reason, and the one that lets the incident's end resolve it (`about_the_problem`).
    """
    if scope.tags & contact.tags:
        return "tag"
    whom = None
    if contact.customer_id in scope.listed:
        whom = "list"
    elif contact.organization_id is not None and contact.organization_id in scope.organizations:
        whom = "organisation"
    if scope.pattern is not None and contact.text and matches_text(scope.pattern, contact.text):
        return "pattern"
    return whom


def about_the_problem(reason: str | None) -> bool:
    """Whether a case was linked for what it says (a tag, the pattern) rather than only for who wrote it.

    Only those are resolved with the incident's end. A customer on the list or in an organisation may have an
    open case about something else entirely: they are told by notice, and their case stays with its owner.
    (Links from before reasons were kept read as the problem's, as they were then treated.)
    """
    return reason is None or reason in PROBLEM_REASONS


# ---------------------------------------------------------------- the customer list


@dataclass(frozen=True)
class CustomerList:
    addresses: tuple[str, ...]
    """Distinct, normalised, in the order they came."""
    refused: tuple[str, ...] = field(default=())
    """Lines that held no address, said as "row 4: “n/a”"."""


def read_customer_list(data: bytes) -> CustomerList:
    """The email addresses in an uploaded CSV (or a plain list, one a line).

    The column headed `email` (or `address`, `e-mail`) when there is a
    header, else the first cell of each row holding an `@`. Refused with a
    precise reason: too large (413), not text, not CSV, or no address at all.
    """
    if len(data) > CSV_BYTES_MAX:
        raise ListTooLarge(
            f"customers: the list is {len(data) // 1024} KB; at most {CSV_BYTES_MAX // 1024} KB "
            f"(about {CSV_ROWS_MAX} addresses) — split it."
        )
    if b"\x00" in data:
        raise Invalid("customers: that file is not a CSV (it holds binary data): export the list as CSV, UTF-8.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            f"customers: the file is not UTF-8 text (byte {error.start + 1}): export the list as CSV, UTF-8."
        ) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise Invalid(f"customers: the CSV cannot be read ({error}).") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) > CSV_ROWS_MAX + 1:
        raise ListTooLarge(f"customers: the list has {len(rows)} rows; at most {CSV_ROWS_MAX} — split it.")
    column = _address_column(rows[0]) if rows else None
    if column is not None:
        rows = rows[1:]
    seen: dict[str, None] = {}
    refused: list[str] = []
    for number, row in enumerate(rows, start=2 if column is not None else 1):
        cell = _address_in(row, column)
        if cell is None:
            shown = ",".join(row)[:40]
            refused.append(f"row {number}: “{shown}”")
            continue
        seen.setdefault(cell, None)
    if not seen:
        raise Invalid("customers: the list holds no email address: one address a row, or a column headed “email”.")
    return CustomerList(tuple(seen), tuple(refused[:20]))


_HEADINGS = {"email", "e-mail", "email address", "address", "mail"}


def _address_column(first: list[str]) -> int | None:
    for index, cell in enumerate(first):
        if cell.strip().lower() in _HEADINGS:
            return index
    return None


def _address_in(row: list[str], column: int | None) -> str | None:
    cells = [row[column]] if column is not None and column < len(row) else row
    for cell in cells:
        value = cell.strip().strip("<>").strip()
        if "@" in value and " " not in value and len(value) <= ADDRESS_MAX:
            local, _, domain = value.rpartition("@")
            if local and "." in domain:
                return normalize_email(value)
    return None


# ---------------------------------------------------------------- what customers read


def status_line(status: IncidentStatus, since: datetime) -> str:
    return f"{STATUS_WORDS[status]} (since {since.strftime('%d %b %H:%M')} UTC)."


def acknowledgement_paragraph(
    title: str, message: str, status: IncidentStatus, latest: str | None, *, sure: bool = True
) -> str:
    """What an acknowledgement adds for a contact about a known incident: we know, where it stands, no need to wait.

    `sure` is whether the contact says it is about the problem (`about_the_problem`); a contact matched only by
    who wrote it is told of the incident in case that is why, and still gets its own answer.
    """
    parts = [
        f"We already know about this: {title}." if sure else f"In case you write about it: we know about {title}.",
        message.strip(),
        f"Where it stands: {STATUS_WORDS[status].lower()}." + (f" Latest: {latest.strip()}" if latest else ""),
        "We will write to you as it changes, and when it is fixed; you do not need to write again."
        if sure
        else "We will write to you as it changes. If your message is about something else, we answer it as usual.",
    ]
    return "\n\n".join(p for p in parts if p)


def notice_subject(title: str, *, update: int, resolved: bool) -> str:
    if resolved:
        return f"Resolved: {title}"
    return f"Update: {title}" if update else f"A problem that affects you: {title}"


def notice_text(
    greeting: str,
    *,
    title: str,
    message: str,
    status: IncidentStatus,
    update_text: str | None,
    portal: str | None,
) -> str:
    """A notice, an update or the end of an incident, as the customer reads it: plain, honest, what to expect."""
    parts = [greeting]
    if status is IncidentStatus.RESOLVED:
        parts += [f"The problem we told you about is fixed: {title}.", (update_text or "").strip()]
    elif update_text is not None:
        parts += [f"An update on {title}:", update_text.strip(), f"Where it stands: {STATUS_WORDS[status].lower()}."]
    else:
        parts += [
            f"We want you to hear it from us first: {title}.",
            message.strip(),
            f"Where it stands: {STATUS_WORDS[status].lower()}.",
            "We will write again as it changes, and when it is fixed.",
        ]
    if portal:
        parts.append(f"You can follow it on our help portal: {portal}")
    parts.append("You do not need to write to us about it; if you have another question, reply to this email.")
    return "\n\n".join(p for p in parts if p)
