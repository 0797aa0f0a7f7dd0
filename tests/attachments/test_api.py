"""Replies and notes with files through the API (multipart), and what the OpenAPI document says of them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_staff_reply_with_files_lists_what_went_and_what_was_refused(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT)
    number = make.case(customer=make.customer("ana@example.com")).id
    sent = client.post(
        f"/api/v1/cases/{number}/replies/with-files",
        headers=agent.headers,
        data={"body": "The label.", "status": "waiting_on_customer"},
        files=[
            ("files", ("label.png", PNG, "image/png")),
            ("files", ("photo.png", b"<html><script>x</script></html>", "image/png")),
            ("files", ("empty.txt", b"", "text/plain")),
        ],
    )
    assert sent.status_code == 201, sent.text
    got = sent.json()
    assert [(a["filename"], a["content_type"]) for a in got["attachments"]] == [("label.png", "image/png")]
    assert got["attachments"][0]["preview_url"].endswith("&view=inline")
    assert got["refused"] == [
        {"filename": "photo.png", "reason": "the name says PNG image but the contents are HTML; send the real file"},
        {"filename": "empty.txt", "reason": "the file is empty"},
    ]
    assert got["entry"]["data"]["files_refused"][1] == "empty.txt: the file is empty"
    assert got["delivery"] is not None

    timeline = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
    assert any(e["id"] == got["entry"]["id"] for e in timeline)
    download = client.get(got["attachments"][0]["url"])
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-disposition"].startswith("attachment;")


def test_an_oversized_file_is_refused_by_name_and_the_note_still_goes(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT)
    number = make.case().id
    client.app.state.settings = client.app.state.settings.model_copy(update={"attachment_max_bytes": 2048})
    sent = client.post(
        f"/api/v1/cases/{number}/notes/with-files",
        headers=agent.headers,
        data={"body": "Two logs."},
        files=[("files", ("big.log", b"x" * 5000, "text/plain")), ("files", ("small.log", b"ok", "text/plain"))],
    )
    assert sent.status_code == 201, sent.text
    assert [a["filename"] for a in sent.json()["attachments"]] == ["small.log"]
    assert sent.json()["refused"] == [{"filename": "big.log", "reason": "5 KB, over the 2 KB limit"}]


def test_a_message_with_no_body_is_a_precise_422_and_json_replies_still_work(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT)
    number = make.case().id
    empty = client.post(
        f"/api/v1/cases/{number}/notes/with-files",
        headers=agent.headers,
        files=[("files", ("a.txt", b"a", "text/plain"))],
    )
    assert empty.status_code == 422
    plain = client.post(f"/api/v1/cases/{number}/notes", headers=agent.headers, json={"body": "No files."})
    assert plain.status_code == 201


def test_the_openapi_document_describes_the_multipart_endpoints(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/cases/{number}/replies/with-files"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]


def test_a_retried_reply_with_files_and_the_same_key_posts_once(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT)
    number = make.case(customer=make.customer("ana@example.com")).id
    keyed = {**agent.headers, "Idempotency-Key": "reply-with-label-1"}

    def send(body: str, png: bytes = PNG) -> Any:
        # Each send gets its own multipart boundary, as a real client's retry does.
        return client.post(
            f"/api/v1/cases/{number}/replies/with-files",
            headers=keyed,
            data={"body": body, "status": "waiting_on_customer"},
            files=[("files", ("label.png", png, "image/png")), ("files", ("run.exe", b"MZ\x90\x00", "x"))],
        )

    first, retry = send("The label."), send("The label.")
    assert first.status_code == retry.status_code == 201, first.text
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["entry"]["id"] == first.json()["entry"]["id"]
    assert retry.json()["refused"] == first.json()["refused"]
    timeline = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
    assert [e["body"] for e in timeline].count("The label.") == 1

    other_body = send("Another label.")
    other_file = send("The label.", png=PNG + b"\x01")
    for reused in (other_body, other_file):
        assert reused.status_code == 422
        assert reused.json()["detail"].startswith("This Idempotency-Key was first used with a different request")
    timeline = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
    assert "Another label." not in [e["body"] for e in timeline]


def test_a_retried_note_with_files_posts_once_and_a_new_key_posts_again(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT)
    number = make.case().id

    def send(key: str) -> Any:
        return client.post(
            f"/api/v1/cases/{number}/notes/with-files",
            headers={**agent.headers, "Idempotency-Key": key},
            data={"body": "Courier's photo."},
            files=[("files", ("door.png", PNG, "image/png"))],
        )

    first, retry, fresh = send("note-1"), send("note-1"), send("note-2")
    assert (first.status_code, retry.status_code, fresh.status_code) == (201, 201, 201)
    assert "idempotent-replayed" not in fresh.headers
    assert retry.json() == first.json()
    notes = [
        e
        for e in client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
        if e["kind"] == "note"
    ]
    assert len(notes) == 2
    bad = client.post(
        f"/api/v1/cases/{number}/notes/with-files",
        headers={**agent.headers, "Idempotency-Key": ""},
        data={"body": "x"},
    )
    assert bad.status_code == 422
