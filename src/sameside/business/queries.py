"""Reads for the admin centre and the mail listener: inbound addresses and their teams."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.business.models import InboundAddress
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


def team_for_address(session: Session, addresses: list[str]) -> int | None:
    """The team of the first of these addresses that is an inbound address with a team."""
    wanted = [a.strip().lower() for a in addresses if a]
    if not wanted:
        return None
    found = session.execute(
        select(InboundAddress.address, InboundAddress.team_id).where(
            InboundAddress.address.in_(wanted), InboundAddress.team_id.is_not(None)
        )
    )
    rows: dict[str, int | None] = {row[0]: row[1] for row in found}
    for address in wanted:
        if address in rows:
            return rows[address]
    return None


def teams(session: Session) -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in session.scalars(select(Team).order_by(Team.name))]
