"""Files in the chat: a visitor sends them from the widget, a person sends them back; nobody else gets them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.db.engine import Database
from sameside.http.links import download_links
from sameside.kit.actors import Role
from sameside.mail.models import Attachment
from tests.factories import Factory
from tests.web.test_chat import receive_until
from tests.web.test_desk import signed_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 200


def start(client: TestClient, name: str = "Ana Silva") -> tuple[str, int]:
    with client.websocket_connect("/ws/chat", headers={"origin": "https://shop.example"}) as ws:
        ws.send_json({"start": {"name": name, "email": "ana@example.com", "message": "The bench arrived broken."}})
        started = ws.receive_json()
        receive_until(ws, "queue")
    return started["token"], started["case"]


def lines_of(client: TestClient, token: str) -> list[dict[str, Any]]:
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"resume": token})
        return [m for m in receive_until(ws, "queue") if m["type"] == "line"]


def test_a_visitor_sends_a_picture_and_a_refused_file_and_their_words_still_go(
    client: TestClient, make: Factory, db: Database
) -> None:
    token, number = start(client)
    agent = make.staff(Role.SUPERVISOR, password=None)

    sent = client.post(
        "/chat/files",
        data={"token": token, "say": "Here is the crack."},
        files=[("files", ("crack.png", PNG, "image/png")), ("files", ("fix.exe", b"MZ\x90\x00\x03", "x"))],
        headers={"origin": "https://shop.example"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.headers["access-control-allow-origin"] == "*"  # the widget on the shop's site reads the answer
    assert sent.json()["refused"] == [{"filename": "fix.exe", "reason": "programs are not accepted"}]
    assert sent.json()["detail"] == "Not attached: fix.exe: programs are not accepted."

    mine = lines_of(client, token)[-1]
    assert (mine["body"], mine["mine"]) == ("Here is the crack.", True)
    assert mine["refused"] == ["fix.exe: programs are not accepted"]
    [picture] = mine["files"]
    assert (picture["filename"], picture["content_type"]) == ("crack.png", "image/png")
    shown = client.get(picture["preview_url"])
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-disposition"].startswith("inline;")

    # The desk sees the picture on the case, and what was refused.
    timeline = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
    entry = next(e for e in timeline if e["body"] == "Here is the crack.")
    assert entry["data"]["files_refused"] == ["fix.exe: programs are not accepted"]
    signed_in(client, db, agent)
    desk = client.get(f"/desk/cases/{number}").text
    assert 'alt="crack.png"' in desk and "Not attached:</strong> fix.exe: programs are not accepted" in desk


def test_a_file_alone_goes_and_only_refused_files_send_nothing(client: TestClient) -> None:
    token, _ = start(client)
    alone = client.post("/chat/files", data={"token": token}, files=[("files", ("receipt.pdf", PDF, "x"))])
    assert alone.status_code == 201, alone.text
    assert lines_of(client, token)[-1]["body"] == "Sent a file: receipt.pdf"

    refused = client.post(
        "/chat/files", data={"token": token, "say": " "}, files=[("files", ("photo.png", b"<html></html>", "x"))]
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "Nothing was sent: photo.png: the name says PNG image but the contents are HTML; send the real file."
    )
    assert refused.headers["access-control-allow-origin"] == "*"
    assert lines_of(client, token)[-1]["body"] == "Sent a file: receipt.pdf"


def test_an_oversized_file_is_refused_by_name(client: TestClient) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(update={"attachment_max_bytes": 2048})  # type: ignore[attr-defined]
    token, _ = start(client)
    sent = client.post(
        "/chat/files", data={"token": token, "say": "Logs."}, files=[("files", ("big.log", b"x" * 5000, "x"))]
    )
    assert sent.status_code == 201
    assert sent.json()["refused"] == [{"filename": "big.log", "reason": "5 KB, over the 2 KB limit"}]


def test_a_stranger_cannot_send_to_or_fetch_from_another_chat(client: TestClient, db: Database) -> None:
    token, number = start(client)
    client.post("/chat/files", data={"token": token, "say": "My ID card."}, files=[("files", ("id.png", PNG, "x"))])
    other_token, other_number = start(client, name="Eve")

    # Another chat's session sees its own conversation only: no line, no link to the first chat's file.
    theirs = lines_of(client, other_token)
    assert all(not line["files"] for line in theirs)
    assert "My ID card." not in [line["body"] for line in theirs]

    # A guessed token sends nothing.
    guessed = client.post("/chat/files", data={"token": "guess", "say": "hi"}, files=[("files", ("a.png", PNG, "x"))])
    assert guessed.status_code == 403 and guessed.json()["detail"] == "That chat is over; start a new one."

    # The stranger's own file has a link; changing its id to the first chat's file breaks the signature.
    client.post("/chat/files", data={"token": other_token}, files=[("files", ("mine.png", PNG, "x"))])
    [own] = lines_of(client, other_token)[-1]["files"]
    with db.unit_of_work(write=False) as s:
        first_file = s.scalar(select(Attachment.id).where(Attachment.case_id == number))
        assert s.scalar(select(Attachment.case_id).where(Attachment.id == own["id"])) == other_number
    assert first_file is not None
    forged = own["url"].replace(f"/attachments/{own['id']}/", f"/attachments/{first_file}/")
    assert client.get(forged).status_code == 403
    assert client.get(own["url"]).status_code == 200
    # A link to the first chat's file exists only for those who may see it (built here with the server's key).
    url, _ = download_links(client.app.state.link_key, first_file, "image/png")  # type: ignore[attr-defined]
    assert client.get(url).content == PNG


def test_a_visitor_sending_files_too_fast_is_told_to_wait(client: TestClient) -> None:
    token, _ = start(client)
    client.app.state.chat_limits.file_lines.limit = 2  # type: ignore[attr-defined]
    for _ in range(2):
        ok = client.post("/chat/files", data={"token": token}, files=[("files", ("a.png", PNG, "x"))])
        assert ok.status_code == 201
    slow = client.post("/chat/files", data={"token": token, "say": "one more"}, files=[("files", ("b.png", PNG, "x"))])
    assert slow.status_code == 429 and int(slow.headers["retry-after"]) > 0
    assert slow.json()["detail"].startswith("You are sending faster than we can read.")


def test_a_person_sends_a_file_back_and_the_visitor_hears_it_live(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    with client.websocket_connect("/ws/chat", headers={"origin": "https://shop.example"}) as ws:
        ws.send_json({"start": {"name": "Ana", "email": "ana@example.com", "message": "Which form do I fill in?"}})
        number = ws.receive_json()["case"]
        receive_until(ws, "queue")
        answer = client.post(
            f"/api/v1/cases/{number}/replies/with-files",
            headers=agent.headers,
            data={"body": "This one."},
            files=[("files", ("form.pdf", PDF, "application/pdf"))],
        )
        assert answer.status_code == 201, answer.text
        heard = [m for m in receive_until(ws, "queue") if m["type"] == "line"]
        [line] = [m for m in heard if m["body"] == "This one."]
        [form] = line["files"]
        assert (form["filename"], form["preview_url"]) == ("form.pdf", None)  # a PDF is only ever downloaded
        got = client.get(form["url"])
        assert got.content == PDF and got.headers["content-disposition"].startswith("attachment;")


def test_a_file_on_an_internal_note_never_reaches_the_visitor(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    token, number = start(client)
    note = client.post(
        f"/api/v1/cases/{number}/notes/with-files",
        headers=agent.headers,
        data={"body": "Their order history, for us."},
        files=[("files", ("orders.pdf", PDF, "application/pdf"))],
    )
    assert note.status_code == 201, note.text
    heard = lines_of(client, token)
    assert "Their order history, for us." not in [line["body"] for line in heard]
    assert all(not line["files"] for line in heard)
