"""The demo's company: its name and colour (what customers see), a holiday, and someone invited but not yet in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from sameside.business import service as business
from sameside.kit.actors import Actor, Role
from sameside.staff import invitations
from sameside.staff.models import Team

COMPANY = "Northwind Outdoors"
COLOUR = "#1f5f3f"
"""A deep green white text reads well on (7.6:1)."""
INVITED = ("maya.okoro@northwind.example", "Maya Okoro")


def seed_business(session: Session, admin: Actor, now: datetime, team: Team) -> None:
    """Brand the portal, close the desk on the next 25 December, and leave one invitation open for `team`."""
    business.save_branding(session, admin, company_name=COMPANY, primary=COLOUR, accent=None)
    christmas = date(now.year, 12, 25)
    if christmas <= now.date() + timedelta(days=1):
        christmas = date(now.year + 1, 12, 25)
    business.add_holiday(session, admin, christmas, "Christmas Day")
    invitations.invite(session, admin, email=INVITED[0], name=INVITED[1], role=Role.AGENT, team_id=team.id)
