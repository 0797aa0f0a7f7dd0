"""Who may manage staff, teams and departments; what a password must be."""

from __future__ import annotations

import re

from sameside.kit.actors import Actor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.staff.errors import WeakPassword
from sameside.staff.passwords import MIN_LENGTH

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def require_admin(actor: Actor) -> None:
    """Only admins (and the system itself, e.g. the CLI) manage staff and structure."""
    if isinstance(actor, SystemActor):
        return
    if not (isinstance(actor, StaffActor) and actor.role is Role.ADMIN):
        raise Forbidden("Only an admin may do this.")


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
    if not _SLUG.match(slug):
        raise Invalid(f"{slug!r} is not a valid slug: use lower-case letters, digits and dashes.")
    return slug
