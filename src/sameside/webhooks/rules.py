"""What webhooks may do, decided without the network or the database: which events there are, when a failed
delivery is tried again, when a subscription pauses, and which addresses a delivery may never reach.

Pure: no database, no sockets. The worker resolves a host and asks `address_refusal` about every address
it got before it connects to one of them (`worker.webhooks`).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from sameside.kit.errors import Invalid


class WebhookEvent(StrEnum):
    """What a subscriber can ask to hear of; each maps onto what the desk already records in the transaction."""

    CASE_CREATED = "case.created"
    CASE_UPDATED = "case.updated"
    """Its status (other than resolved), owner, team, priority or tags changed, or it was reopened."""
    CASE_RESOLVED = "case.resolved"
    MESSAGE_RECEIVED = "message.received"
    """The customer wrote on a case."""
    REPLY_SENT = "reply.sent"
    """Someone on staff (or the software, `automatic`) answered the customer."""
    GRANT_ISSUED = "grant.issued"
    SURVEY_ANSWERED = "survey.answered"
    INCIDENT_DECLARED = "incident.declared"


PING = "webhook.ping"
"""The type of the message `POST /webhooks/{id}/test` sends; nobody subscribes to it, every subscription gets it."""

EVENT_WORDS: dict[WebhookEvent, str] = {
    WebhookEvent.CASE_CREATED: "A case was created",
    WebhookEvent.CASE_UPDATED: "A case's status, owner, team, priority or tags changed",
    WebhookEvent.CASE_RESOLVED: "A case was resolved",
    WebhookEvent.MESSAGE_RECEIVED: "A customer wrote",
    WebhookEvent.REPLY_SENT: "A reply went to the customer",
    WebhookEvent.GRANT_ISSUED: "A refund, credit, replacement or voucher was issued",
    WebhookEvent.SURVEY_ANSWERED: "A customer answered the survey",
    WebhookEvent.INCIDENT_DECLARED: "An incident was declared",
}


class DeliveryState(StrEnum):
    PENDING = "pending"
    """Waiting for its next attempt."""
    DELIVERED = "delivered"
    FAILED = "failed"
    """Every attempt failed; an admin may deliver it again."""
    HELD = "held"
    """Its subscription was paused before it got through; an admin may deliver it again after resuming."""


RETRY_AFTER: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
"""The wait after each failed attempt before the next: eight attempts over about 28 hours, then it has failed."""

ATTEMPTS = len(RETRY_AFTER) + 1

PAUSE_AFTER = timedelta(hours=24)
"""A subscription whose every attempt has failed for this long is paused, and the admins are told."""

ROTATION_OVERLAP = timedelta(hours=24)
"""After a rotation, messages are signed with the old secret too for this long, so a receiver never has a gap."""

URL_MAX = 2000
DESCRIPTION_MAX = 200
HOST_MAX = 253
EXCERPT_MAX = 500
"""Characters of a response body (or an error) kept in the delivery log."""


def next_attempt_after(attempt: int) -> timedelta | None:
    """How long after failed attempt number `attempt` (from 1) to try again; None once attempts are used up."""
    return RETRY_AFTER[attempt - 1] if 1 <= attempt <= len(RETRY_AFTER) else None


def should_pause(failing_since: datetime | None, now: datetime) -> bool:
    """Whether a subscription that has failed every attempt since `failing_since` has failed for long enough."""
    return failing_since is not None and now - failing_since >= PAUSE_AFTER


def succeeded(status: int | None) -> bool:
    """A 2xx answer is a delivery; anything else (a redirect included: none is followed) is a failed attempt."""
    return status is not None and 200 <= status < 300


def checked_url(raw: str) -> str:
    """The subscription's URL as stored, or `Invalid` saying what is wrong with it.

    http or https, a host, no user name or password in it (they would be sent to whoever answers) and no
    fragment. Whether its host may be reached is decided at each delivery, after resolving it.
    """
    url = raw.strip()
    if not url or len(url) > URL_MAX:
        raise Invalid(f"A webhook's URL has 1 to {URL_MAX} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Invalid("That URL cannot be read: check its host and port.") from None
    if parts.scheme not in ("http", "https"):
        raise Invalid("A webhook's URL starts with https:// (or http://).")
    if not parts.hostname:
        raise Invalid("A webhook's URL names a host.")
    if parts.username is not None or parts.password is not None:
        raise Invalid("A webhook's URL carries no user name or password; the signature proves who sent it.")
    if parts.fragment:
        raise Invalid("A webhook's URL has no #fragment.")
    if port == 0:
        raise Invalid("A webhook's URL names a port from 1 to 65535.")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise Invalid("A webhook's URL has no spaces or control characters.")
    return url


_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$"
)


def checked_host(raw: str) -> str:
    """An allowed host as stored: a host name or an IP address, lower case, no port; else `Invalid`."""
    host = raw.strip().lower().removeprefix("[").removesuffix("]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOST.match(host):
        raise Invalid("An allowed host is a host name (hooks.internal) or an IP address, without a port or path.")
    return host


def host_of(url: str) -> str:
    """The host a stored URL names, as `checked_host` keeps hosts (so the allow-list compares like with like).

    A host `checked_host` would refuse (a name in another script) is returned as written, lower case: no
    allowed host can equal it, so its addresses are always checked.
    """
    host = urlsplit(url).hostname or ""
    try:
        return checked_host(host)
    except Invalid:
        return host.lower()


def address_refusal(address: str) -> str | None:
    """Why a delivery may not connect to `address` (an IP address a host resolved to); None when it may.

    Only public unicast addresses are reached: not private, loopback, link-local, multicast, reserved,
    unspecified or shared (carrier-grade NAT) ones, nor an IPv6 address that carries one of those (IPv4
    mapped, 6to4, Teredo) — unless an admin allowed the host (the caller's decision, before asking).
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if carried is not None:
            refusal = address_refusal(str(carried))
            if refusal is not None:
                return refusal
    for test, words in (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
    ):
        if test:
            return f"{ip} is {words}"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def signing_secrets(secret: str, previous: str | None, previous_until: datetime | None, now: datetime) -> list[str]:
    """The secrets a message sent `now` is signed with: the current one, and the previous one while it lasts."""
    if previous and previous_until is not None and now < previous_until:
        return [secret, previous]
    return [secret]
