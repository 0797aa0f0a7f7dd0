"""Files through the desk and the portal over HTTP: kept, previewed only when safe, refused by name, never a 500."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.cases.models import TimelineEntry
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.mail.models import Attachment
from tests.factories import Factory
from tests.web.test_desk import signed_in
from tests.web.test_portal import sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
PE = b"MZ\x90\x00" + b"\x00" * 60


def rows(db: Database) -> list[Attachment]:
    with db.unit_of_work(write=False) as s:
        found = list(s.scalars(select(Attachment).order_by(Attachment.id)))
        s.expunge_all()
        return found


def test_an_agent_replies_with_files_and_a_refused_one_is_named_under_the_reply(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, password=None)
    number = make.case(customer=make.customer("ana@example.com")).id
    csrf = signed_in(client, db, agent)

    sent = client.post(
        f"/desk/cases/{number}/reply",
        data={"csrf": csrf, "body": "Here is the label.", "channel": "email"},
        files=[
            ("files", ("label.png", PNG, "image/png")),
            ("files", ("drawing.svg", SVG, "image/svg+xml")),
            ("files", ("report.exe", PE, "application/octet-stream")),
        ],
        follow_redirects=False,
    )

    assert sent.status_code == 303
    kept = rows(db)
    assert [(a.filename, a.content_type) for a in kept] == [
        ("label.png", "image/png"),
        ("drawing.svg", "image/svg+xml"),
    ]
    page = client.get(f"/desk/cases/{number}").text
    assert "Not attached:</strong> report.exe: programs are not accepted" in page
    assert 'alt="label.png"' in page and 'alt="drawing.svg"' not in page, "only a safe raster is previewed"

    preview = re.search(r'<img src="([^"]+)" alt="label.png"', page)
    assert preview is not None
    shown = client.get(preview.group(1).replace("&amp;", "&"))
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith("inline;")
    assert shown.headers["x-content-type-options"] == "nosniff"

    svg_link = re.search(r'<a href="([^"]+)" download>drawing.svg</a>', page)
    assert svg_link is not None
    url = svg_link.group(1).replace("&amp;", "&")
    for asked in (url, url + "&view=inline"):
        svg = client.get(asked)
        assert svg.status_code == 200
        assert svg.headers["content-disposition"].startswith("attachment;")
        assert svg.headers["content-type"] == "application/octet-stream"


def test_a_note_takes_files_too(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, password=None)
    number = make.case().id
    csrf = signed_in(client, db, agent)
    sent = client.post(
        f"/desk/cases/{number}/note",
        data={"csrf": csrf, "body": "Log from the customer's router."},
        files=[("files", ("router.log", b"boot ok\nwan down\n", "text/plain"))],
        follow_redirects=False,
    )
    assert sent.status_code == 303
    [kept] = rows(db)
    assert kept.content_type == "text/plain" and kept.case_id == number


def test_a_refused_reply_keeps_what_was_typed_and_asks_for_the_files_again(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, password=None)
    number = make.case().id
    csrf = signed_in(client, db, agent)
    refused = client.post(
        f"/desk/cases/{number}/reply",
        data={"csrf": csrf, "body": "   ", "note_only": "x"},
        files=[("files", ("label.png", PNG, "image/png"))],
    )
    assert refused.status_code == 422
    assert "choose them again" in refused.text
    assert rows(db) == []


def test_a_customer_sends_files_from_the_portal_in_a_reply_and_a_new_request(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com")
    number = make.case(customer=ana).id
    csrf = sign_in(client, make, ana)

    sent = client.post(
        f"/portal/cases/{number}/reply",
        data={"csrf": csrf, "body": "A photo of the parcel."},
        files=[("files", ("parcel.png", PNG, "image/png")), ("files", ("fake.png", b"<html>hi</html>", "image/png"))],
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get(f"/portal/cases/{number}").text
    assert 'alt="parcel.png"' in page
    assert "fake.png: the name says PNG image but the contents are HTML" in page

    opened = client.post(
        "/portal/new",
        data={"csrf": csrf, "subject": "Broken lid", "body": "See the photo."},
        files=[("files", ("lid.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert opened.status_code == 303
    assert [a.filename for a in rows(db)] == ["parcel.png", "lid.png"]
    with db.unit_of_work(write=False) as s:
        entry = s.get(TimelineEntry, rows(db)[1].entry_id)
        assert entry is not None and entry.direction == "inbound"


def test_bad_uploads_are_precise_refusals_never_a_500(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, password=None)
    number = make.case().id
    csrf = signed_in(client, db, agent)
    many = [("files", (f"f{i}.txt", b"x", "text/plain")) for i in range(12)]
    sent = client.post(
        f"/desk/cases/{number}/note",
        data={"csrf": csrf, "body": "Many files."},
        files=[*many, ("files", ("empty.txt", b"", "text/plain"))],
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert len(rows(db)) == 10
    page = client.get(f"/desk/cases/{number}").text
    assert "f10.txt: only 10 files can go with one message" in page
    assert "empty.txt: the file is empty" in page

    flood = [("files", (f"g{i}.txt", b"x", "text/plain")) for i in range(150)]
    refused = client.post(f"/desk/cases/{number}/note", data={"csrf": csrf, "body": "x"}, files=flood)
    assert refused.status_code == 413
