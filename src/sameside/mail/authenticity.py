"""Whether a message's sender is who its From says, by what our receiving server found: pure.

A From address is only a claim; anyone can write a customer's address into
the mail they send. The server that received the message for us checked SPF,
DKIM and DMARC and wrote what it found into `Authentication-Results` fields
(RFC 8601), headed by its name, the authserv-id, which the admin names
(`SAMESIDE_MAIL_AUTHSERV_ID`). Only fields with that name count: a sender can
write fields naming any server. Among those, the top-most field that reports a
method speaks for it: servers add their fields above what the message brought
with it, so a forged field naming our server sits below the genuine one (and
a server that follows RFC 8601 §5 removes it before we ever see it).

The verdict, for the domain of the address we would file the message under:

- DMARC `pass` for that domain → verified; `fail` → not verified (whatever
  the domain's published policy: p=none only asks receivers not to *reject*).
- No DMARC verdict (`none`, an error, or no DMARC result at all) → verified
  only by a DKIM or SPF pass for that domain or a parent of it (DMARC's
  relaxed alignment, without the public-suffix list: a signer that is a
  parent of the From domain controls it; a child or a sibling does not count).
- No field from our server at all → not verified: there is nothing to go by.
- No authserv-id configured → unchecked: mail is taken on its From, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sameside.mail.authresults import MethodResult, domain_of, parse_authentication_results

MAX_FIELDS = 50
"""Authentication-Results fields looked at, top first; ours are at the top."""


class Verdict(StrEnum):
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    UNCHECKED = "unchecked"
    """No receiving server is named: there is no one to believe, so From is taken as it is."""


@dataclass(frozen=True, slots=True)
class Authenticity:
    verdict: Verdict
    reason: str
    """What the verdict rests on, for people: "DMARC failed for example.com, as mx.acme.example found"."""

    @property
    def may_join_a_case(self) -> bool:
        """Whether the message may continue an existing case (its sender is not known to be forged)."""
        return self.verdict is not Verdict.NOT_VERIFIED


UNCHECKED = Authenticity(Verdict.UNCHECKED, "no receiving server is named to vouch for senders")


def sender_authenticity(
    fields: Sequence[str], *, authserv_id: str | None, sender: str, from_address: str | None
) -> Authenticity:
    """The verdict on `sender` (the address the message is filed under) from the raw fields, top first.

    `from_address` is the message's From address: a DMARC result that does not
    name its domain (no `header.from`) is taken to be about it, so about
    `sender` only when the two are the same.
    """
    if not authserv_id or not authserv_id.strip():
        return UNCHECKED
    server = authserv_id.strip().lower()
    domain = domain_of(sender)
    reports = _reports(fields, server)
    if reports is None:
        return Authenticity(Verdict.NOT_VERIFIED, f"no Authentication-Results from {server}")
    found = f"as {server} found"
    about_sender = from_address is not None and from_address.lower() == sender.lower()
    dmarc = {
        r.result
        for r in reports.get("dmarc", [])
        if (domain_of(r.properties["header.from"]) == domain if "header.from" in r.properties else about_sender)
    }
    if "fail" in dmarc:
        return Authenticity(Verdict.NOT_VERIFIED, f"DMARC failed for {domain}, {found}")
    if "pass" in dmarc:
        return Authenticity(Verdict.VERIFIED, f"DMARC passed for {domain}, {found}")
    for method, identity in (("dkim", _dkim_domain), ("spf", _spf_domain)):
        if any(r.result == "pass" and aligned(identity(r), domain) for r in reports.get(method, [])):
            return Authenticity(Verdict.VERIFIED, f"{method.upper()} passed for {domain} (no DMARC verdict), {found}")
    without = f"DMARC {'/'.join(sorted(dmarc))}" if dmarc else "no DMARC result"
    return Authenticity(
        Verdict.NOT_VERIFIED, f"{without} for {domain} and no DKIM or SPF pass for that domain, {found}"
    )


def _reports(fields: Sequence[str], server: str) -> dict[str, list[MethodResult]] | None:
    """Each method's results from the top-most of our server's fields that reports it; None if it wrote none."""
    by_method: dict[str, list[MethodResult]] = {}
    seen = False
    for value in fields[:MAX_FIELDS]:
        parsed = parse_authentication_results(value)
        if parsed is None or parsed.authserv_id.lower() != server:
            continue
        seen = True
        here: dict[str, list[MethodResult]] = {}
        for result in parsed.results:
            here.setdefault(result.method, []).append(result)
        for method, results in here.items():
            by_method.setdefault(method, results)
    return by_method if seen else None


def _dkim_domain(result: MethodResult) -> str:
    return domain_of(result.properties.get("header.d") or result.properties.get("header.i", ""))


def _spf_domain(result: MethodResult) -> str:
    return domain_of(result.properties.get("smtp.mailfrom") or result.properties.get("smtp.mail", ""))


def aligned(identity: str, domain: str) -> bool:
    """`identity` (a DKIM signer or an SPF-checked domain) is `domain` or a parent of it, never a bare TLD."""
    if not identity or "." not in identity or not domain:
        return False
    return domain == identity or domain.endswith("." + identity)
