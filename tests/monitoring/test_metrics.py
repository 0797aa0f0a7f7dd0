"""`/metrics`: what Prometheus reads, parsed by prometheus_client's own text parser, and who may read it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from sameside.app import create_app
from sameside.config import Settings
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from tests.factories import Factory

LOOPBACK = ("127.0.0.1", 50000)
INTERNET = ("203.0.113.9", 50000)
REPLY = {"body": "Refunded today.", "send_now": True}


def scrape(client: TestClient, **headers: str) -> dict[str, list[Sample]]:
    """Every sample of a scrape, by family name, as Prometheus would read them."""
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return {family.name: family.samples for family in text_string_to_metric_families(answer.text)}


def value(samples: dict[str, list[Sample]], family: str, name: str | None = None, **labels: str) -> float:
    """The one sample of `family` (named `name`, default the family's) with these labels; 0 when absent."""
    found = [
        s.value
        for s in samples.get(family, [])
        if s.name == (name or family) and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert len(found) <= 1, (family, labels, found)
    return found[0] if found else 0.0


@pytest.fixture
def local(db: Database, settings: Settings) -> Iterator[TestClient]:
    """The app, spoken to from this machine (a loopback address), as a Prometheus beside it would."""
    with TestClient(create_app(settings, database=db), raise_server_exceptions=False, client=LOOPBACK) as c:
        yield c


def test_requests_are_counted_by_route_template_and_status_with_their_latency(local: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    first, second = make.case(), make.case()
    before = scrape(local)

    for number in (first.id, second.id, 999_999):
        local.get(f"/api/v1/cases/{number}", headers=admin.headers)
    local.get("/no/such/page/42")
    after = scrape(local)

    route = "/api/v1/cases/{number}"
    counted = "sameside_http_requests_total"
    for status, more in (("200", 2), ("404", 1)):
        labels = {"method": "GET", "route": route, "status": status}
        moved = value(after, "sameside_http_requests", counted, **labels)
        assert moved - value(before, "sameside_http_requests", counted, **labels) == more
    assert value(after, "sameside_http_requests", counted, method="GET", route="unmatched", status="404") >= 1
    routes = {s.labels["route"] for s in after["sameside_http_requests"]}
    assert not routes & {f"/api/v1/cases/{first.id}", "/api/v1/cases/999999", "/no/such/page/42"}, "a raw path"

    histogram = "sameside_http_request_duration_seconds"
    count = value(after, histogram, f"{histogram}_count", method="GET", route=route)
    assert count - value(before, histogram, f"{histogram}_count", method="GET", route=route) == 3
    assert value(after, histogram, f"{histogram}_bucket", method="GET", route=route, le="+Inf") == count
    assert value(after, histogram, f"{histogram}_sum", method="GET", route=route) > 0


def test_the_scrape_and_the_probes_are_not_counted_among_requests(local: TestClient) -> None:
    local.get("/healthz")
    local.get("/readyz")
    scrape(local)

    routes = {s.labels["route"] for s in scrape(local).get("sameside_http_requests", [])}

    assert not routes & {"/metrics", "/healthz", "/readyz"}


def test_queue_gauges_count_the_cases_waiting_by_team_unowned_and_without_a_team(
    local: TestClient, make: Factory
) -> None:
    billing, sales = make.team("billing"), make.team("sales")
    owner = make.staff(team=billing, password=None)
    make.case(team=billing)
    make.case(team=billing, owner=owner)
    make.case()  # no team: it needs one

    samples = scrape(local)

    assert value(samples, "sameside_backlog_up") == 1
    assert value(samples, "sameside_cases_waiting", team=billing.slug) == 2
    assert value(samples, "sameside_cases_waiting", team=sales.slug) == 0
    assert "sameside_cases_waiting" in samples and len(samples["sameside_cases_waiting"]) == 2
    assert value(samples, "sameside_cases_unassigned") == 2
    assert value(samples, "sameside_cases_needing_a_team") == 1


def test_job_backlog_shows_a_job_a_request_enqueued_and_how_long_it_has_waited(
    local: TestClient, make: Factory
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    number = make.case(channel=Channel.EMAIL).id
    enqueued_at = clock.now()
    with clock.frozen(enqueued_at):
        replied = local.post(f"/api/v1/cases/{number}/replies", json=REPLY, headers=admin.headers)
    assert replied.status_code == 201, replied.text

    with clock.frozen(enqueued_at + timedelta(minutes=3)):
        samples = scrape(local)

    assert value(samples, "sameside_jobs_ready", kind="mail.deliver") == 1
    assert value(samples, "sameside_jobs_oldest_ready_age_seconds") == 180
    assert value(samples, "sameside_mail_out_held") == 0
    assert value(samples, "sameside_mail_in", state="quarantined") == 0


def test_the_backlog_is_read_once_for_scrapes_close_together(local: TestClient, make: Factory) -> None:
    team = make.team()
    make.case(team=team)
    first = scrape(local)
    make.case(team=team)

    second = scrape(local)

    assert value(first, "sameside_cases_waiting", team=team.slug) == 1
    assert value(second, "sameside_cases_waiting", team=team.slug) == 1, "cached: no counting on every scrape"


def test_open_websockets_are_counted_while_they_are_open(local: TestClient) -> None:
    before = value(scrape(local), "sameside_websocket_connections")
    with local.websocket_connect("/ws/chat") as chat:
        chat.send_json({"start": {"name": "Ana Silva", "email": "ana@example.com", "message": "My parcel is late."}})
        assert chat.receive_json()["type"] == "started"
        during = value(scrape(local), "sameside_websocket_connections")

    assert during == before + 1
    assert value(scrape(local), "sameside_websocket_connections") == before


# Who may scrape


def _client(db: Database, settings: Settings, address: tuple[str, int]) -> TestClient:
    return TestClient(create_app(settings, database=db), raise_server_exceptions=False, client=address)


def test_from_the_internet_without_a_token_configured_metrics_are_forbidden(db: Database, settings: Settings) -> None:
    with _client(db, settings, INTERNET) as outside:
        answer = outside.get("/metrics")

    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert "SAMESIDE_METRICS_TOKEN" in answer.json()["detail"]
    assert "sameside_" not in answer.text


def test_with_a_token_configured_the_internet_needs_it(db: Database, settings: Settings) -> None:
    secured = settings.model_copy(update={"metrics_token": "s3cret-token"})
    with _client(db, secured, INTERNET) as outside:
        without = outside.get("/metrics")
        wrong = outside.get("/metrics", headers={"Authorization": "Bearer guess"})
        right = outside.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})

    assert (without.status_code, without.headers["www-authenticate"]) == (401, 'Bearer realm="metrics"')
    assert wrong.status_code == 401
    assert right.status_code == 200 and "sameside_http_requests" in right.text


def test_a_wrong_token_is_refused_even_from_this_machine(db: Database, settings: Settings) -> None:
    secured = settings.model_copy(update={"metrics_token": "s3cret-token"})
    with _client(db, secured, LOOPBACK) as local:
        assert local.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 401
        assert local.get("/metrics").status_code == 200


def test_a_local_proxy_passing_on_an_internet_client_does_not_open_metrics(local: TestClient) -> None:
    forwarded = local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"})
    rfc7239 = local.get("/metrics", headers={"Forwarded": 'for="[2001:db8::1]";proto=https'})
    private = local.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3, 192.168.0.9"})

    assert (forwarded.status_code, rfc7239.status_code, private.status_code) == (403, 403, 200)


def test_private_networks_can_be_closed_too(db: Database, settings: Settings) -> None:
    closed = settings.model_copy(update={"metrics_private_networks": False, "metrics_token": "s3cret-token"})
    with _client(db, closed, ("10.0.0.8", 50000)) as inside:
        assert inside.get("/metrics").status_code == 401
        assert inside.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
