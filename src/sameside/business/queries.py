"""Reads for the admin centre, the mail listener and the IMAP poller: inbound addresses, mailboxes, their teams."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from sameside.business.models import InboundAddress, Mailbox
from sameside.config import ImapMailbox
from sameside.staff.models import Team


@dataclass(frozen=True)
class AddressView:
    id: int
    address: str
    team_id: int | None
    team_name: str | None


def inbound_addresses(session: Session) -> list[AddressView]:
    rows = session.execute(
        select(InboundAddress, Team.name)
        .outerjoin(Team, Team.id == InboundAddress.team_id)
        .order_by(InboundAddress.address)
    ).all()
    return [AddressView(a.id, a.address, a.team_id, name) for a, name in rows]


def accepted_addresses(session: Session) -> set[str]:
    """Every inbound address stored here (the SMTP listener adds the teams' own and the environment's)."""
    return set(session.scalars(select(InboundAddress.address)))


def address_teams(session: Session) -> dict[str, int]:
    """Every inbound address that has a team, and its team: read once per batch of mail, not per message."""
    found = session.execute(
        select(InboundAddress.address, InboundAddress.team_id).where(InboundAddress.team_id.is_not(None))
    )
    return {address: team_id for address, team_id in found if team_id is not None}


@dataclass(frozen=True)
class MailboxView:
    """A stored mailbox as the admin centre shows it: everything but the password."""

    id: int
    name: str
    host: str
    port: int
    ssl: bool
    username: str
    folder: str
    after: str
    team_id: int | None
    team_name: str | None


def mailboxes(session: Session) -> list[MailboxView]:
    rows = session.execute(
        select(Mailbox, Team.name).outerjoin(Team, Team.id == Mailbox.team_id).order_by(Mailbox.name)
    ).all()
    return [
        MailboxView(m.id, m.name, m.host, m.port, m.ssl, m.username, m.folder, m.after, m.team_id, name)
        for m, name in rows
    ]


def imap_mailbox(session: Session, mailbox_id: int) -> ImapMailbox | None:
    """One stored mailbox as the poller (and the connection test) uses it, password and all."""
    found = _for_poller(session, Mailbox.id == mailbox_id)
    return found[0] if found else None


def imap_mailboxes(session: Session) -> list[ImapMailbox]:
    """Every stored mailbox as the poller uses it; the team named by its slug, as in the environment's list."""
    return _for_poller(session, None)


def _for_poller(session: Session, where: ColumnElement[bool] | None) -> list[ImapMailbox]:
    query = select(Mailbox, Team.slug).outerjoin(Team, Team.id == Mailbox.team_id).order_by(Mailbox.name)
    if where is not None:
        query = query.where(where)
    return [
        ImapMailbox(
            name=m.name,
            host=m.host,
            port=m.port,
            ssl=m.ssl,
            username=m.username,
            password=m.password,
            folder=m.folder,
            team=slug,
            after=m.after,
        )
        for m, slug in session.execute(query)
    ]


def teams(session: Session) -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in session.scalars(select(Team).order_by(Team.name))]
