"""`/metrics`: the Prometheus scrape (`monitoring.metrics`), for the monitoring system and nobody else.

Who may scrape:

- anyone with `Authorization: Bearer <SAMESIDE_METRICS_TOKEN>`, when that
  token is set (a wrong token is a 401, whoever sends it);
- without a token, a client on a loopback or private address, unless
  `metrics_private_networks` is off — and only when every address a proxy
  forwarded (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`) is private as
  well, so a proxy on this machine that passes the internet on does not make
  the internet look local.

Anyone else: 401 with `WWW-Authenticate: Bearer` when a token would let
them in, 403 when no token is set. Both problem+json.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Iterable

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from sameside.config import Settings
from sameside.http.problems import problem
from sameside.monitoring.metrics import CONTENT_TYPE, Exposition

router = APIRouter(include_in_schema=False)

_FORWARDED_FOR = re.compile(r'for="?\[?([^;,"\]]+)', re.I)
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
)
"""Loopback and the private ranges (RFC 1918, RFC 4193); nothing else counts as ours, documentation ranges included."""


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    refusal = _refusal(request, settings)
    if refusal is not None:
        return refusal
    exposition: Exposition = request.app.state.metrics
    body = await run_in_threadpool(exposition.render)  # the backlog's counts may wait on the database
    return Response(body, media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def _refusal(request: Request, settings: Settings) -> Response | None:
    token = settings.metrics_token
    sent = request.headers.get("authorization", "")
    if token and sent:
        scheme, _, credentials = sent.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), token.encode()):
            return None
        return _unauthorised("The metrics token is not right.")
    if settings.metrics_private_networks and _private(_addresses(request)):
        return None
    if token:
        return _unauthorised("Metrics need the bearer token set as SAMESIDE_METRICS_TOKEN.")
    return problem(
        403,
        "Forbidden",
        "Metrics are served to private networks only; set SAMESIDE_METRICS_TOKEN to scrape from elsewhere.",
        slug="metrics-forbidden",
    )


def _unauthorised(detail: str) -> Response:
    answer = problem(401, "Unauthorized", detail, slug="metrics-unauthorized")
    answer.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return answer


def _addresses(request: Request) -> list[str]:
    """The client's address, then every address a proxy says the request came through or from."""
    found = [request.client.host if request.client else ""]
    for name, value in request.headers.items():
        if name in ("x-forwarded-for", "x-real-ip"):
            found.extend(part.strip() for part in value.split(","))
        elif name == "forwarded":
            found.extend(_FORWARDED_FOR.findall(value))
    return found


def _private(addresses: Iterable[str]) -> bool:
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.strip())
        except ValueError:
            return False  # a name, "unknown", an obfuscated identifier: not known to be ours
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not any(address in network for network in PRIVATE_NETWORKS):
            return False
    return True
