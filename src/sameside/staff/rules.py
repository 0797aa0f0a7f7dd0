"""Who may manage staff, teams and departments; what a password, a language or a product must be."""

from __future__ import annotations

import re

from sameside.kit.actors import Actor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.staff.errors import WeakPassword
from sameside.staff.passwords import MIN_LENGTH

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
"""Both also stated in the API's schema (`staff.schemas`), so a generated client checks them first."""
_SLUG = re.compile(SLUG_PATTERN)
_LANGUAGE = re.compile(LANGUAGE_PATTERN)
SKILLS_MAX = 20
"""Languages or products per person: enough for anyone, small enough to show on the team page."""
PRODUCT_MAX = 64
"""A product is matched against a case tag, which is at most this long."""


INVITATION = SystemActor("invitation")
"""Who adds an invited person to the staff: the admin's invitation, carried out when its link is used."""


def require_admin(actor: Actor) -> None:
    """Only admins (and the system itself, e.g. the CLI) manage staff and structure."""
    if isinstance(actor, SystemActor):
        return
    if not (isinstance(actor, StaffActor) and actor.role is Role.ADMIN):
        raise Forbidden("Only an admin may do this.")


def may_lead(actor: Actor, team_id: int | None) -> bool:
    """Admins, and supervisors of this team: how a team's cases are routed (P9) and who speaks or knows what
    (P14) is the team's own business, day to day. Who exists, their role and their team stay an admin's."""
    if isinstance(actor, SystemActor):
        return True
    return isinstance(actor, StaffActor) and (
        actor.role is Role.ADMIN or (actor.role is Role.SUPERVISOR and team_id is not None and actor.team_id == team_id)
    )


def require_team_lead(actor: Actor, team_id: int | None) -> None:
    if not may_lead(actor, team_id):
        raise Forbidden("Only an admin or a supervisor of this team may do this.")


def require_staff(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff may do this.")
    return actor


def check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"A password needs at least {MIN_LENGTH} characters.")
    if len(password) > 1024:
        raise WeakPassword("A password may have at most 1024 characters.")


def check_slug(slug: str) -> str:
    if not _SLUG.fullmatch(slug):
        raise Invalid(f"{slug!r} is not a valid slug: use lower-case letters, digits and dashes.")
    return slug


def clean_languages(values: list[str]) -> list[str]:
    """Language tags as routing compares them: `pt-BR` → `pt`, `DE` → `de`, each once, in the order given.

    Routing matches the language, not the region: a customer writing Swiss
    German is well served by anyone who speaks German.
    """
    cleaned: list[str] = []
    for value in values:
        tag = value.strip()
        if not _LANGUAGE.fullmatch(tag) or len(tag) > 35:
            raise Invalid(f"{value!r} is not a language tag such as 'de' or 'pt-BR'.")
        primary = tag.split("-", 1)[0].lower()
        if primary not in cleaned:
            cleaned.append(primary)
    if len(cleaned) > SKILLS_MAX:
        raise Invalid(f"A person may list at most {SKILLS_MAX} languages.")
    return cleaned


def clean_products(values: list[str]) -> list[str]:
    """Product names as entered (trimmed, inner spaces single), each once whatever its case.

    Routing matches them to case tags in lower case with dashes for spaces,
    so `Router X2` serves cases tagged `router-x2`.
    """
    cleaned: list[str] = []
    for value in values:
        name = " ".join(value.split())
        if not name or len(name) > PRODUCT_MAX or not name.isprintable():
            raise Invalid(f"{value!r} is not a product name: 1 to {PRODUCT_MAX} characters.")
        if name.lower() not in (c.lower() for c in cleaned):
            cleaned.append(name)
    if len(cleaned) > SKILLS_MAX:
        raise Invalid(f"A person may list at most {SKILLS_MAX} products.")
    return cleaned
