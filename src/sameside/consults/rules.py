"""What a consult says, in words: the line the customer reads when a department is asked, and due times.

Pure: no database. The customer's line is in their form of address and
their own time zone; when we do not know their zone it names the business's
city, and when that is UTC it says how long instead of a clock time nobody
lives in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sameside.kit.errors import Invalid
from sameside.kit.words import span

LINE_MAX = 1000
UTC_NAMES = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"}


def zone_of(name: str | None) -> ZoneInfo | None:
    """The customer's time zone, or None when unknown or not one."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def team_words(department: str) -> str:
    """ "our shipping & returns team": a department as a customer would hear of it."""
    name = " ".join(department.split()).lower() or "back-office"
    return f"our {name}" if name.endswith("team") else f"our {name} team"


def by_when(due: datetime, now: datetime, zone: ZoneInfo) -> str:
    """ "by 14:00 today", "by 09:00 tomorrow", "by Tuesday at 14:00", "by 12 December at 14:00" — in `zone`."""
    local, today = due.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days <= 0:
        return f"by {clock} today"
    if days == 1:
        return f"by {clock} tomorrow"
    if days < 7:
        return f"by {local.strftime('%A')} at {clock}"
    return f"by {local.day} {local.strftime('%B')} at {clock}"


def within(due: datetime, now: datetime) -> str:
    """ "within about 3 hours", "within 2 days": when no clock time would mean anything to the reader."""
    minutes = max(1, int((due - now).total_seconds() // 60))
    if minutes < 60:
        return f"within {minutes} minutes"
    if minutes < 48 * 60:
        hours = -(-minutes // 60)
        return f"within about {hours} hour{'s' if hours != 1 else ''}"
    return f"within {-(-minutes // (24 * 60))} days"


def customer_line(
    *,
    department: str,
    due: datetime,
    now: datetime,
    customer_zone: str | None,
    business_zone: ZoneInfo,
    form_of_address: str | None,
) -> str:
    """The line we suggest the customer reads when their case waits on a department (the agent may edit it)."""
    theirs = zone_of(customer_zone)
    if theirs is not None:
        when = f"{by_when(due, now, theirs)} (your time)"
    elif str(business_zone) not in UTC_NAMES:
        city = str(business_zone).rsplit("/", 1)[-1].replace("_", " ")
        when = f"{by_when(due, now, business_zone)} ({city} time)"
    else:
        when = within(due, now)
    greeting = f"{' '.join(form_of_address.split())}, w" if form_of_address and form_of_address.strip() else "W"
    return f"{greeting}e are checking this with {team_words(department)}. You will hear from us {when}."


def check_line(line: str) -> str:
    """The line as the customer will read it: trimmed, not empty, not too long."""
    line = line.replace("\x00", "").strip()
    if not line:
        raise Invalid("Write the line the customer will read, or choose to tell them nothing.")
    if len(line) > LINE_MAX:
        raise Invalid(f"The line for the customer may have at most {LINE_MAX:,} characters.")
    return line


def due_words(due: datetime, now: datetime, zone: ZoneInfo, *, answered: bool = False) -> str:
    """The agent's terms: "due in 3 h (14:00 Europe/Berlin)", "overdue by 2 h (…)"; with the day when not today."""
    local = due.astimezone(zone)
    day = "" if local.date() == now.astimezone(zone).date() else f"{local.strftime('%a')} "
    at = f"{day}{local.strftime('%H:%M')} {zone}"
    if answered:
        return f"was due {at}"
    left = due - now
    if left >= timedelta(0):
        return f"due in {span(int(left.total_seconds() // 60))} ({at})"
    return f"overdue by {span(int(-left.total_seconds() // 60))} ({at})"
