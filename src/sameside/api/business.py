"""The business's own settings (admins only): hours and promises, holidays, branding and the logo, the default
service-level policy, inbound addresses and IMAP mailboxes — what the admin centre edits, through the same
services. Reads answer the settings as they apply now: the environment's until an admin first saves."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, Response, UploadFile, status

from sameside.business import queries, rules, service
from sameside.business.rules import Business
from sameside.business.schemas import (
    AddressIn,
    AddressOut,
    AddressPatch,
    BrandingIn,
    BusinessOut,
    HolidayIn,
    HolidayOut,
    MailboxIn,
    MailboxOut,
    MailboxPatch,
    ProbeOut,
    SettingsIn,
)
from sameside.cases.rules import Priority
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels.rules import Targets
from sameside.cases.service_levels.schemas import TargetsIn, TargetsOut
from sameside.db.engine import Session
from sameside.http.deps import Admin, AppSettings, ReadSession, Write
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.errors import NotFound
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output
from sameside.mailboxes.probe import probe

router = APIRouter(prefix="/business", tags=["admin"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
REFUSED: dict[int | str, dict[str, Any]] = {422: {"description": "A value refused, with the reason"}}
TAKEN: dict[int | str, dict[str, Any]] = {409: {"description": "Already there"}, **REFUSED}


def business_out(now: Business) -> BusinessOut:
    return BusinessOut(
        stored=now.stored,
        week={day: [(o, c) for o, c in ranges] for day, ranges in now.week.items()},
        timezone=now.timezone,
        holidays=[HolidayOut(day=d, name=n) for d, n in now.holidays],
        support_phone=now.support_phone,
        reply_target_hours=now.reply_target_hours,
        tier_cap_minutes=now.tier_cap_minutes,
        callback_minutes=now.callback_minutes,
        chat_greeting=now.chat_greeting,
        company_name=now.company_name,
        display_name=now.display_name,
        primary_colour=now.primary_colour,
        accent_colour=now.accent_colour,
        logo_url=now.logo_url,
    )


@router.get("", response_model=BusinessOut)
@offload
def read_business(_: Admin, session: ReadSession) -> BusinessOut:
    """Hours, holidays, promises and branding as they apply now."""
    return business_out(service.current(session))


@router.put("/settings", response_model=BusinessOut, responses=REFUSED)
@offload
def replace_settings(body: SettingsIn, actor: Admin, write: Write) -> BusinessOut:
    """Replace the hours and the numbers the business promises (the open cases are retimed to the new hours)."""
    with write() as session:
        return business_out(
            service.save_settings(
                session,
                actor,
                week={day: [list(pair) for pair in ranges] for day, ranges in body.week.items()},
                timezone=body.timezone,
                support_phone=body.support_phone,
                reply_target_hours=body.reply_target_hours,
                tier_cap_minutes=body.tier_cap_minutes,
                callback_minutes=body.callback_minutes,
                chat_greeting=body.chat_greeting,
            )
        )


@router.put("/branding", response_model=BusinessOut, responses=REFUSED)
@offload
def replace_branding(body: BrandingIn, actor: Admin, write: Write) -> BusinessOut:
    """The company's name and colours; a colour white text cannot be read on is refused, with the contrast."""
    with write() as session:
        return business_out(
            service.save_branding(
                session, actor, company_name=body.company_name, primary=body.primary_colour, accent=body.accent_colour
            )
        )


@router.put("/logo", response_model=BusinessOut, responses=REFUSED)
@offload
def upload_logo(
    request: Request,
    actor: Admin,
    write: Write,
    logo: Annotated[UploadFile, File(description="PNG, JPEG or WebP, judged by its bytes; at most 512 KB.")],
) -> BusinessOut:
    """The logo on the portal, the widget and the help centre (multipart/form-data, field `logo`)."""
    data = logo.file.read(rules.LOGO_MAX_BYTES + 1)
    with write() as session:
        return business_out(service.set_logo(session, actor, data, request.app.state.blobs.put))


@router.delete("/logo", response_model=BusinessOut)
@offload
def remove_logo(actor: Admin, write: Write) -> BusinessOut:
    with write() as session:
        return business_out(service.clear_logo(session, actor))


@router.post("/holidays", status_code=status.HTTP_201_CREATED, response_model=BusinessOut, responses=TAKEN)
@offload
def add_holiday(body: HolidayIn, actor: Admin, write: Write) -> BusinessOut:
    """A whole day closed: service-level clocks stop and no callbacks are offered."""
    with write() as session:
        return business_out(service.add_holiday(session, actor, body.day, body.name))


@router.delete("/holidays/{day}", response_model=BusinessOut, responses={404: {"description": "Not a holiday"}})
@offload
def remove_holiday(day: date, actor: Admin, write: Write) -> BusinessOut:
    with write() as session:
        return business_out(service.remove_holiday(session, actor, day))


# ---------------------------------------------------------------- the default service-level policy


class PolicyIn(Input):
    """Targets per priority; a priority left out keeps the derived targets. `targets: null` derives all again."""

    targets: dict[Priority, TargetsIn] | None


class PolicyOut(Output):
    stored: bool
    """False: derived from the reply target (urgent a quarter, high half, low twice; resolution five times)."""
    targets: list[TargetsOut]


def _policy_out(defaults: service_levels.Defaults, stored: bool) -> PolicyOut:
    return PolicyOut(
        stored=stored,
        targets=[
            TargetsOut(
                priority=p,
                first_reply_minutes=t.first_reply,
                next_reply_minutes=t.next_reply,
                resolution_minutes=t.resolution,
            )
            for p, t in ((p, defaults.targets[p]) for p in Priority)
        ],
    )


@router.get("/service-levels", response_model=PolicyOut)
@offload
def read_policy(_: Admin, session: ReadSession) -> PolicyOut:
    """The SLA policy every team without targets of its own runs by, in business minutes."""
    stored = service_levels.stored_targets(service.current(session)) is not None
    return _policy_out(service_levels.defaults_for(session), stored)


@router.put("/service-levels", response_model=PolicyOut, responses=REFUSED)
@offload
def replace_policy(body: PolicyIn, actor: Admin, write: Write) -> PolicyOut:
    with write() as session:
        wanted = (
            None
            if body.targets is None
            else {
                p: Targets(t.first_reply_minutes, t.next_reply_minutes, t.resolution_minutes)
                for p, t in body.targets.items()
            }
        )
        defaults = service_levels.set_default_targets(session, actor, wanted)
        return _policy_out(defaults, wanted is not None)


# ---------------------------------------------------------------- inbound addresses


def _address(session: Session, address_id: int) -> AddressOut:
    found = next((a for a in queries.inbound_addresses(session) if a.id == address_id), None)
    if found is None:
        raise NotFound("No such inbound address.")
    return AddressOut.model_validate(found)


@router.get("/inbound-addresses", response_model=list[AddressOut])
@offload
def list_addresses(_: Admin, session: ReadSession) -> list[AddressOut]:
    """Addresses the SMTP listener takes mail for here, and the team each one's new cases go to."""
    return [AddressOut.model_validate(a) for a in queries.inbound_addresses(session)]


@router.post("/inbound-addresses", status_code=status.HTTP_201_CREATED, response_model=AddressOut, responses=TAKEN)
@offload
def add_address(body: AddressIn, actor: Admin, write: Write) -> AddressOut:
    with write() as session:
        row = service.add_address(session, actor, body.address, body.team_id)
        return _address(session, row.id)


@router.patch("/inbound-addresses/{address_id}", response_model=AddressOut, responses=REFUSED)
@offload
def change_address(address_id: Id, body: AddressPatch, actor: Admin, write: Write) -> AddressOut:
    with write() as session:
        service.set_address_team(session, actor, address_id, body.team_id)
        return _address(session, address_id)


@router.delete("/inbound-addresses/{address_id}", status_code=status.HTTP_204_NO_CONTENT)
@offload
def remove_address(address_id: Id, actor: Admin, write: Write) -> Response:
    with write() as session:
        service.remove_address(session, actor, address_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- IMAP mailboxes


def _mailbox(session: Session, mailbox_id: int) -> MailboxOut:
    found = next((m for m in queries.mailboxes(session) if m.id == mailbox_id), None)
    if found is None:
        raise NotFound("No such mailbox.")
    return MailboxOut.model_validate(found)


@router.get("/mailboxes", response_model=list[MailboxOut])
@offload
def list_mailboxes(_: Admin, session: ReadSession) -> list[MailboxOut]:
    """The IMAP mailboxes `sameside imap` polls besides the environment's; passwords are never sent."""
    return [MailboxOut.model_validate(m) for m in queries.mailboxes(session)]


@router.post("/mailboxes", status_code=status.HTTP_201_CREATED, response_model=MailboxOut, responses=TAKEN)
@offload
def add_mailbox(body: MailboxIn, actor: Admin, write: Write, settings: AppSettings) -> MailboxOut:
    reserved = frozenset(m.name for m in settings.imap_mailboxes)
    with write() as session:
        fields = body.model_dump(exclude={"name", "password"})
        row = service.add_mailbox(session, actor, name=body.name, password=body.password, reserved=reserved, **fields)
        return _mailbox(session, row.id)


@router.patch("/mailboxes/{mailbox_id}", response_model=MailboxOut, responses=REFUSED)
@offload
def change_mailbox(mailbox_id: Id, body: MailboxPatch, actor: Admin, write: Write) -> MailboxOut:
    with write() as session:
        fields = body.model_dump(exclude_unset=True, exclude={"password"})
        service.change_mailbox(session, actor, mailbox_id, password=body.password, **fields)
        return _mailbox(session, mailbox_id)


@router.delete("/mailboxes/{mailbox_id}", status_code=status.HTTP_204_NO_CONTENT)
@offload
def remove_mailbox(mailbox_id: Id, actor: Admin, write: Write) -> Response:
    with write() as session:
        service.remove_mailbox(session, actor, mailbox_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/mailboxes/{mailbox_id}/test", response_model=ProbeOut)
@offload
def test_mailbox(mailbox_id: Id, _: Admin, session: ReadSession) -> ProbeOut:
    """Log in once with a short timeout and open the folder read-only; say how far it got, and why not."""
    mailbox = queries.imap_mailbox(session, mailbox_id)
    if mailbox is None:
        raise NotFound("No such mailbox.")
    found = probe(mailbox)
    return ProbeOut(ok=found.ok, step=found.step, detail=found.detail, messages=found.messages, tested_at=clock.now())
