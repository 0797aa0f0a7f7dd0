"""Delivering webhook messages (the `webhooks.deliver` task): one attempt per job, signed, to checked addresses.

The attempt is read in a short transaction, made with no transaction open (a slow receiver holds no
lock), then recorded in another that also settles the job (`webhooks.service.record_attempt` schedules
the next attempt, or gives up, or pauses the webhook).

The guard against reaching what an outsider should not (SSRF): the URL's host is resolved here, every
address it resolves to is checked (`webhooks.rules.address_refusal`: no private, loopback, link-local,
multicast or reserved ones) unless an admin allowed the host, and the connection is made to an address
that was checked — never by name again, so a second DNS answer cannot swap in another. TLS still checks
the certificate against the host's name. Redirects are not followed (a 3xx is a failed attempt), each
wait is bounded (`CONNECT_SECONDS`, `READ_SECONDS`, and `TOTAL_SECONDS` for the whole answer) and no
more than `RESPONSE_BYTES` of an answer is read.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook as Signer

from sameside.jobs.run import Run
from sameside.webhooks import queries, rules
from sameside.webhooks import service as webhooks
from sameside.webhooks.service import Outcome

log = logging.getLogger(__name__)

CONNECT_SECONDS = 5.0
READ_SECONDS = 10.0
TOTAL_SECONDS = 15.0
RESPONSE_BYTES = 64 * 1024
USER_AGENT = "Sameside-Webhooks/1"


class Undeliverable(Exception):
    """No answer could be had: the address is refused, does not resolve, or does not answer in time."""


def deliver(run: Run) -> bool:
    """Make one attempt at the delivery `delivery_id` and record it."""
    delivery_id = int(run.payload["delivery_id"])
    manual = bool(run.payload.get("manual", False))
    with run.db.unit_of_work(write=False) as session:
        outgoing = queries.outgoing(session, delivery_id)
    if outgoing is None:
        return True  # delivered already, removed, or held: the worker marks the job done
    if outgoing.paused and not _is_ping(outgoing):
        with run.unit_of_work() as session:
            webhooks.hold(session, delivery_id)
        return True
    body = json.dumps(outgoing.body, separators=(",", ":"), ensure_ascii=False).encode()
    outcome = attempt(outgoing.url, body, signed_headers(outgoing.wire_id, body, outgoing.secrets), outgoing)
    with run.unit_of_work() as session:
        webhooks.record_attempt(session, delivery_id, outcome, manual=manual)
    return True


def _is_ping(outgoing: queries.Outgoing) -> bool:
    return outgoing.body.get("type") == rules.PING


def signed_headers(wire_id: str, body: bytes, secrets: list[str]) -> dict[str, str]:
    """The Standard Webhooks headers: one signature per secret, space-separated, over id, timestamp and body.

    The timestamp is the wall clock's, not `kit.clock`'s: receivers compare it with their own clock to
    refuse replays, so it must say when the message really left.
    """
    sent = datetime.fromtimestamp(int(time.time()), UTC)
    signatures = " ".join(Signer(secret).sign(wire_id, sent, body) for secret in secrets)
    return {
        "webhook-id": wire_id,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def attempt(url: str, body: bytes, headers: dict[str, str], outgoing: queries.Outgoing) -> Outcome:
    started = time.monotonic()
    try:
        answer = post(url, body, headers, allowed_hosts=outgoing.allowed_hosts)
    except Undeliverable as refused:
        return Outcome(None, None, str(refused), _ms(started))
    if 300 <= answer.status < 400:
        redirect = f"HTTP {answer.status}: redirects are not followed"
        return Outcome(answer.status, answer.excerpt, redirect, _ms(started))
    said = None if rules.succeeded(answer.status) else f"HTTP {answer.status}"
    return Outcome(answer.status, answer.excerpt, said, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def post(url: str, body: bytes, headers: dict[str, str], *, allowed_hosts: frozenset[str]) -> Answer:
    """POST `body` to `url` at an address checked after resolving it; raise `Undeliverable` when there is none."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    allowed = rules.host_of(url) in allowed_hosts
    sock = _connect(host, port, allowed=allowed)
    try:
        if secure:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        kind = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        connection = kind(host, port, timeout=READ_SECONDS)
        connection.sock = sock  # connected to the checked address; http.client never dials by name
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        deadline = time.monotonic() + TOTAL_SECONDS
        connection.request("POST", path, body=body, headers={**headers, "content-length": str(len(body))})
        response = connection.getresponse()
        read = bytearray()
        while len(read) < RESPONSE_BYTES and time.monotonic() < deadline:
            chunk = response.read1(min(8192, RESPONSE_BYTES - len(read)))
            if not chunk:
                break
            read.extend(chunk)
        excerpt = bytes(read[: rules.EXCERPT_MAX * 4]).decode("utf-8", "replace")[: rules.EXCERPT_MAX]
        return Answer(response.status, excerpt)
    except (OSError, http.client.HTTPException) as error:
        raise Undeliverable(f"{type(error).__name__}: {error}"[: rules.EXCERPT_MAX]) from None
    finally:
        sock.close()


def _connect(host: str, port: int, *, allowed: bool) -> socket.socket:
    """A socket connected to one of `host`'s addresses, every one of them checked first unless `allowed`."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Undeliverable(f"{host} does not resolve: {error}") from None
    if not found:
        raise Undeliverable(f"{host} does not resolve")
    if not allowed:
        for *_, address in found:
            refusal = rules.address_refusal(str(address[0]))
            if refusal is not None:
                raise Undeliverable(f"Refused: {host} resolves to {refusal}; an admin may allow the host")
    last: OSError | None = None
    for family, kind, proto, _name, address in found:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(CONNECT_SECONDS)
        try:
            sock.connect(address)
        except OSError as error:
            sock.close()
            last = error
            continue
        sock.settimeout(READ_SECONDS)
        return sock
    raise Undeliverable(f"{host} did not answer: {last}")
