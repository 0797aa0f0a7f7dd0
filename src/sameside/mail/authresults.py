"""`Authentication-Results` header fields (RFC 8601) read into plain data: pure, forgiving, never raising.

A receiving server that checks SPF, DKIM and DMARC writes what it found in
this field, headed by its own name (the authserv-id):

    Authentication-Results: mx.acme.example;
        dkim=pass header.d=example.com header.s=sel1 header.b=Ab3dEf+g;
        spf=pass (sender IP is 192.0.2.7) smtp.mailfrom=dana@example.com;
        dmarc=fail (p=reject) header.from=example.com

Anyone can write such a field into the message they send, so which fields to
believe is decided by the caller (`sender_check`): this module only reads one.

The grammar is RFC 8601 §2.2: an authserv-id (a token or a quoted string) and
an optional version, then `;`-separated results, each `method[/version] =
result`, an optional `reason=value` and `ptype.property=value` pairs, with
comments in parentheses anywhere. Real servers bend it: unquoted values with
`/` or `+` (`header.b=PqBP51+l`), `header.i=@domain` instead of `header.d`,
Google's old `smtp.mail`. Those are taken; a field whose head is not an
authserv-id (Microsoft's, which starts with `spf=`) or whose version we do not
know is no field we can read, as the RFC says (§2.2: ignore it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_FIELD_LENGTH = 16_384
"""Longer than any honest field; a longer one is not read at all."""
MAX_RESULTS = 64

# RFC 2045 token: no space, control or tspecial ()<>@,;:\"/[]?=
_TOKEN = re.compile(r'[^\x00-\x20\x7f()<>@,;:\\"/\[\]?=]+')
_KEYWORD = r"[A-Za-z][A-Za-z0-9_-]*"
_PAIR = re.compile(
    rf"""\s*
    (?P<name>{_KEYWORD}(?:\s*/\s*\d+)?(?:\s*\.\s*{_KEYWORD})?)   # method[/version], reason or ptype.property
    \s*=\s*
    (?P<value>"(?:[^"\\]|\\.)*"(?:@[^\s";]*)?|[^\s";]+)?         # quoted (a quoted local-part@domain), or a run
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD = re.compile(r'\s*(?:"(?:[^"\\]|\\.)*"|[^\s"]+)\s*', re.DOTALL)


@dataclass(frozen=True, slots=True)
class MethodResult:
    """One result: `dmarc=fail (p=reject) header.from=example.com`."""

    method: str
    """Lower-case, without its version: "dmarc", "dkim", "spf", …"""
    result: str
    """Lower-case: "pass", "fail", "none", "temperror", …"""
    reason: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    """Lower-case "ptype.property" to its value as written ("header.from": "example.com")."""


@dataclass(frozen=True, slots=True)
class AuthenticationResults:
    authserv_id: str
    """As written; compare it case-insensitively (it is normally a host name)."""
    results: tuple[MethodResult, ...]


def parse_authentication_results(value: str) -> AuthenticationResults | None:
    """One field's value read, or None when it is not a field we can read (no authserv-id, unknown version)."""
    if not value or len(value) > MAX_FIELD_LENGTH:
        return None
    segments = _segments(value)
    if segments is None or not segments:
        return None
    head = segments[0].split()
    if not head or len(head) > 2:
        return None
    authserv_id = _unquote(head[0])
    if not authserv_id or (not head[0].startswith('"') and not _TOKEN.fullmatch(authserv_id)):
        return None
    if len(head) == 2 and head[1] != "1":  # RFC 8601 §2.2: a version not understood means the field is ignored
        return None
    results = []
    for segment in segments[1:]:
        if segment.strip().lower() in ("", "none"):
            continue
        result = _result(segment)
        if result is not None:
            results.append(result)
        if len(results) >= MAX_RESULTS:
            break
    return AuthenticationResults(authserv_id, tuple(results))


def _result(segment: str) -> MethodResult | None:
    """`method = result reason=… ptype.property=…`; None if the segment does not start with a method."""
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(segment):
        match = _PAIR.match(segment, position)
        if match is None:  # a word that is no `name=value` (Yahoo's "(ok)" leftovers): step over it
            if not pairs:
                return None
            gap = _WORD.match(segment, position)
            position = gap.end() if gap else len(segment)
            continue
        pairs.append((match.group("name"), match.group("value") or ""))
        position = match.end()
    if not pairs:
        return None
    name, raw_result = pairs[0]
    method = name.split("/", 1)[0].strip().lower()
    result = _unquote(raw_result).lower()
    if "." in method or not re.fullmatch(_KEYWORD, result):
        return None
    reason = None
    properties: dict[str, str] = {}
    for written, raw in pairs[1:]:
        key = "".join(written.split()).lower()
        if key == "reason":
            reason = _unquote(raw)
        elif "." in key and key not in properties:  # the first of a property counts; a repeat is noise
            properties[key] = _unquote(raw)
    return MethodResult(method, result, reason, properties)


def _segments(value: str) -> list[str] | None:
    """The value without comments, split at the semicolons outside quoted strings; None if unbalanced."""
    segments: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in value:
        if escaped:
            if not depth:
                current.append(char)
            escaped = False
        elif char == "\\" and (quoted or depth):
            if not depth:
                current.append(char)
            escaped = True
        elif quoted:
            current.append(char)
            quoted = char != '"'
        elif char == "(":
            depth += 1
            if depth == 1:
                current.append(" ")
        elif char == ")" and depth:
            depth -= 1
        elif depth:
            continue
        elif char == '"':
            current.append(char)
            quoted = True
        elif char == ";":
            segments.append("".join(current))
            current = []
        else:
            current.append(char)
    if quoted or depth:
        return None
    segments.append("".join(current))
    return segments


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"(.*)', re.DOTALL)


def _unquote(value: str) -> str:
    """A value as meant: a quoted string (or quoted local-part, `"a b"@example.com`) without quotes and escapes."""
    match = _QUOTED.fullmatch(value)
    if match is None:
        return value
    return re.sub(r"\\(.)", r"\1", match.group(1)) + match.group(2)


def domain_of(value: str) -> str:
    """The domain of a property's value: `dana@example.com`, `@example.com` or `example.com` → `example.com`."""
    return value.rpartition("@")[2].strip().strip(".").lower()
