"""Mail over the API: attachments on the timeline through signed links, and the admins' quarantine."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient

from sameside.cases.models import Case
from sameside.config import Settings
from sameside.customers.models import Customer
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.mail.blobs import BlobStore
from sameside.mail.models import InboundState
from sameside.mailboxes.filing import Intake
from tests.factories import Factory


def _mail_with(*attachments: tuple[bytes, str, str, str]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ana Silva <ana.silva@example.com>"
    msg["To"] = "support@acme.example"
    msg["Subject"] = "Damaged on arrival"
    msg.set_content("The vase arrived broken; photos attached.")
    for data, maintype, subtype, filename in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def _file(db: Database, settings: Settings, raw: bytes) -> int:
    [outcome] = Intake(db, BlobStore(settings.blob_dir)).take([(raw, {"source": "import"})])
    assert outcome.case_id is not None
    return outcome.case_id


def test_a_case_shows_its_attachments_with_links_that_download_and_never_render(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    number = _file(
        db,
        settings,
        _mail_with(
            (b"\x89PNG photo", "image", "png", "vase.png"),
            (b"<script>alert(1)</script>", "text", "html", "../../evil.html"),
        ),
    )
    agent = make.staff(Role.SUPERVISOR, password=None)

    case = client.get(f"/api/v1/cases/{number}", headers=agent.headers)

    assert case.status_code == 200, case.text
    [first] = [e for e in case.json()["timeline"] if e["direction"] == "inbound"]
    assert first["body"] == "The vase arrived broken; photos attached."
    photo, page = first["attachments"]
    assert (photo["filename"], photo["content_type"], photo["size"]) == ("vase.png", "image/png", len(b"\x89PNG photo"))
    assert "/" not in page["filename"]

    got = client.get(photo["url"])
    assert got.status_code == 200
    assert got.content == b"\x89PNG photo"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"

    hostile = client.get(page["url"])
    assert hostile.status_code == 200
    assert hostile.headers["content-type"] == "application/octet-stream"  # never rendered as HTML
    assert hostile.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in hostile.headers["content-security-policy"]


def test_a_file_missing_from_storage_is_a_clear_404(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    number = _file(db, settings, _mail_with((b"lost bytes", "application", "pdf", "lost.pdf")))
    agent = make.staff(Role.SUPERVISOR, password=None)
    [attachment] = next(
        e["attachments"]
        for e in client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
        if e["attachments"]
    )
    for path in settings.blob_dir.rglob("*"):
        if path.is_file():
            path.unlink()

    missing = client.get(attachment["url"])

    assert missing.status_code == 404
    assert "missing from storage" in missing.json()["detail"]


def test_a_tampered_or_expired_download_link_is_refused(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    number = _file(db, settings, _mail_with((b"receipt", "application", "pdf", "receipt.pdf")))
    agent = make.staff(Role.SUPERVISOR, password=None)
    [attachment] = next(
        e["attachments"]
        for e in client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
        if e["attachments"]
    )
    url = urlparse(attachment["url"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}

    other_id = url.path.replace(f"/{attachment['id']}/", f"/{attachment['id'] + 1}/")
    assert client.get(other_id, params=query).status_code == 403
    later = {**query, "expires": str(int(query["expires"]) + 3600)}
    assert client.get(url.path, params=later).status_code == 403
    with clock.frozen(clock.now() + timedelta(hours=2)):
        expired = client.get(url.path, params=query)
    assert expired.status_code == 403
    assert "expired" in expired.json()["detail"]


def test_a_customer_sees_attachments_on_their_own_messages(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    number = _file(db, settings, _mail_with((b"photo", "image", "jpeg", "photo.jpg")))
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        customer = s.get(Customer, case.customer_id)
        s.expunge_all()
    assert customer is not None

    seen = client.get(f"/api/v1/cases/{number}", headers=make.customer_session(customer))

    assert seen.status_code == 200
    assert [a["filename"] for e in seen.json()["timeline"] for a in e["attachments"]] == ["photo.jpg"]


def test_admins_see_quarantined_mail_with_its_reason_and_the_raw_bytes(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    junk = b"\x00\x01 definitely not an email \xff"
    [outcome] = Intake(db, BlobStore(settings.blob_dir)).take([(junk, {"source": "smtp"})])
    assert outcome.state is InboundState.QUARANTINED
    admin = make.staff(Role.ADMIN, password=None)

    listed = client.get("/api/v1/admin/mail", params={"state": "quarantined"}, headers=admin.headers)

    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == outcome.inbound_id and item["reason"]
    raw = client.get(f"/api/v1/admin/mail/{outcome.inbound_id}/raw", headers=admin.headers)
    assert raw.content == junk
    assert raw.headers["content-disposition"].startswith("attachment;")
    assert client.get("/api/v1/admin/mail/999999", headers=admin.headers).status_code == 404


def test_an_admin_reprocesses_a_quarantined_message_after_the_fix(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    blocked = settings.blob_dir
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the attachment folder should be")  # the fault an admin then fixes
    [outcome] = Intake(db, BlobStore(blocked)).take([(_mail_with((b"x", "image", "png", "a.png")), {"source": "smtp"})])
    assert outcome.state is InboundState.QUARANTINED
    admin = make.staff(Role.ADMIN, password=None)
    detail = client.get(f"/api/v1/admin/mail/{outcome.inbound_id}", headers=admin.headers).json()
    assert detail["headers"]["Subject"] == "Damaged on arrival"
    assert "Could not be filed" in detail["reason"]

    blocked.unlink()
    again = client.post(f"/api/v1/admin/mail/{outcome.inbound_id}/reprocess", headers=admin.headers)

    assert again.status_code == 200, again.text
    assert again.json()["state"] == "filed" and again.json()["case_id"]
