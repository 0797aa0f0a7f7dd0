"""Deliveries never reach private, loopback, link-local or reserved addresses — checked after resolving the
host, whatever name it hides behind — unless an admin allowed that host."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.webhooks.rules import address_refusal, host_of
from tests.factories import Factory
from tests.webhooks.receiver import Receiver
from tests.webhooks.support import allow, deliver_due, log_of, subscribe


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().running() as running:
        yield running


def test_internal_addresses_are_refused_without_the_allow_list(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    port = receiver.port
    urls = {
        f"http://127.0.0.1:{port}/hook": "127.0.0.1 is a loopback address",
        f"http://localhost:{port}/hook": "is a loopback address",  # a name that resolves to loopback
        f"http://[::1]:{port}/hook": "::1 is a loopback address",
        "http://10.1.2.3/hook": "10.1.2.3 is a private address",
        "http://169.254.169.254/latest/meta-data": "169.254.169.254 is a link-local address",
        "http://[::ffff:192.168.0.1]/hook": "192.168.0.1 is a private address",
    }
    for url, reason in urls.items():
        hook = subscribe(client, admin.headers, url, ["case.created"])
        assert client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=admin.headers).status_code == 202
        deliver_due(db, settings)
        [delivery] = log_of(client, admin.headers, hook["id"])
        [attempt] = delivery["log"]
        assert attempt["status"] is None, url
        assert attempt["error"].startswith("Refused: ") and reason in attempt["error"], (url, attempt["error"])
        assert "an admin may allow the host" in attempt["error"]
    assert receiver.received == []  # nothing reached the receiver on loopback

    allow(client, admin.headers, "localhost")  # allowed by name: the same address is reached now
    hook = subscribe(client, admin.headers, f"http://localhost:{port}/hook", ["case.created"])
    client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=admin.headers)
    deliver_due(db, settings)
    assert len(receiver.received) == 1
    assert log_of(client, admin.headers, hook["id"])[0]["state"] == "delivered"


def test_an_allowed_host_can_be_listed_and_taken_off_again(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    allow(client, admin.headers, "Hooks.Internal")
    assert (
        client.post(
            "/api/v1/webhooks/allowed-hosts", json={"host": "hooks.internal"}, headers=admin.headers
        ).status_code
        == 409
    )
    listed = client.get("/api/v1/webhooks/allowed-hosts", headers=admin.headers).json()
    assert [h["host"] for h in listed] == ["hooks.internal"]
    assert client.delete("/api/v1/webhooks/allowed-hosts/hooks.internal", headers=admin.headers).status_code == 204
    assert client.get("/api/v1/webhooks/allowed-hosts", headers=admin.headers).json() == []
    for bad in ("hooks.internal:8080", "http://x", "two words", "a/b"):
        answer = client.post("/api/v1/webhooks/allowed-hosts", json={"host": bad}, headers=admin.headers)
        assert answer.status_code == 422, bad


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.8.8",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "255.255.255.255",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
    ],
)
def test_every_kind_of_internal_address_is_refused(address: str) -> None:
    assert address_refusal(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_reached(address: str) -> None:
    assert address_refusal(address) is None


def test_the_allow_list_compares_hosts_as_they_are_kept() -> None:
    assert host_of("https://Hooks.Internal:8443/in") == "hooks.internal"
    assert host_of("http://[::1]:9000/") == "::1"
    assert host_of("https://bücher.example/in") == "bücher.example"  # never equal to an allowed host


def test_an_answer_is_read_only_so_far_and_a_closed_port_is_a_failed_attempt(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    allow(client, admin.headers, "127.0.0.1")
    receiver.reply = b"x" * (5 * 1024 * 1024)  # five megabytes: only the first 64 KiB are read
    hook = subscribe(client, admin.headers, receiver.url(), ["case.created"])
    client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=admin.headers)
    deliver_due(db, settings)
    [delivery] = log_of(client, admin.headers, hook["id"])
    assert delivery["state"] == "delivered"
    assert delivery["log"][0]["response"] == "x" * 500

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        nobody = subscribe(client, admin.headers, f"http://127.0.0.1:{port}/in", ["case.created"])
        client.post(f"/api/v1/webhooks/{nobody['id']}/test", headers=admin.headers)
        deliver_due(db, settings)
    [refused] = log_of(client, admin.headers, nobody["id"])
    assert refused["state"] == "pending" and refused["log"][0]["status"] is None
    assert "did not answer" in refused["log"][0]["error"]
