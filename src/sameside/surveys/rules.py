"""The survey's one question, its scale in words, when a survey is skipped, and CSAT. Pure.

A survey is considered once per case, `Policy.survey_delay_minutes` after
it was resolved (a reopen meanwhile moves the resolution, and so the survey,
later). It is skipped — and the reason kept — when surveys are off, the
customer said no to them, another case of theirs is open, they had one
within `Policy.survey_interval_days`, we have no address to send it to, or
the contact policy's cap holds it (`contact.rules`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sameside.contact.rules import Policy
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid, NotFound

QUESTION = "How well did we solve it?"

SCALE: tuple[tuple[int, str], ...] = (
    (5, "Completely"),
    (4, "Well"),
    (3, "Partly"),
    (2, "Poorly"),
    (1, "Not at all"),
)
"""Best first, as the email and the page list them; each score has words, never a bare number."""
WORDS = dict(SCALE)

COMMENT_MAX = 2000
LINK_DAYS = 30
"""How long a survey stays answerable (its email links and the portal)."""
HORIZON = timedelta(days=2)
"""Cases resolved longer ago than the delay plus this are no longer considered (a worker that was down)."""


class SurveyState(StrEnum):
    SENT = "sent"
    ANSWERED = "answered"
    SKIPPED = "skipped"


class Skip(StrEnum):
    """Why a survey was not sent."""

    OFF = "surveys_off"
    OPTED_OUT = "opted_out"
    OTHER_OPEN = "other_case_open"
    RECENT = "recent_survey"
    NO_ADDRESS = "no_address"
    CAPPED = "contact_cap"


class Via(StrEnum):
    EMAIL = "email"
    PORTAL = "portal"
    API = "api"


def why_not(
    *,
    policy: Policy,
    wants_surveys: bool,
    other_open: Sequence[int],
    last_sent_at: datetime | None,
    has_address: bool,
    now: datetime,
) -> tuple[Skip, str] | None:
    """Why this customer gets no survey now (the first reason that holds), or None: ask the contact policy."""
    if not policy.surveys_on:
        return Skip.OFF, "surveys are turned off"
    if not wants_surveys:
        return Skip.OPTED_OUT, "they asked not to get surveys"
    if other_open:
        which = ", ".join(f"#{n}" for n in other_open[:3]) + ("…" if len(other_open) > 3 else "")
        return Skip.OTHER_OPEN, f"another case of theirs is open ({which}): we do not ask while we still owe them"
    if last_sent_at is not None and now - last_sent_at < timedelta(days=policy.survey_interval_days):
        return (
            Skip.RECENT,
            f"one was sent {ago(last_sent_at, now)} (at most one every {policy.survey_interval_days} days)",
        )
    if not has_address:
        return Skip.NO_ADDRESS, "we have no email address for them"
    return None


def ago(then: datetime, now: datetime) -> str:
    """ "yesterday", "3 days ago", "last week": how long ago, as a person says it."""
    days = (now - then).days
    if days <= 0:
        return "earlier today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    if days < 14:
        return "last week"
    return f"{days} days ago"


def check_open(state: SurveyState, expires_at: datetime | None, now: datetime) -> None:
    """A survey may be answered once sent, until it closes; a skipped one was never asked."""
    if state is SurveyState.SKIPPED:
        raise NotFound("There is no survey to answer on this case.")
    if expires_at is not None and now >= expires_at:
        raise Conflict("This survey has closed. Thank you all the same: write to us if there is anything to add.")


def check_score(score: int) -> int:
    if score not in WORDS:
        raise Invalid("Choose how well we solved it, from “Not at all” to “Completely”.")
    return score


def clean_comment(text: str | None) -> str | None:
    cleaned = (text or "").strip()
    if len(cleaned) > COMMENT_MAX:
        raise Invalid(f"Please keep the comment within {COMMENT_MAX} characters.")
    return cleaned or None


def csat(scores: Iterable[int]) -> float | None:
    """Customer satisfaction: the share of answers that said "Well" or "Completely" (4 or 5); None without any."""
    counted = list(scores)
    if not counted:
        return None
    return sum(1 for s in counted if s >= 4) / len(counted)


def email_text(
    *,
    greeting: str,
    case_number: int,
    subject: str,
    links: Sequence[tuple[int, str]],
    preferences: str,
    interval_days: int,
) -> str:
    """The survey email: the one question, a link per answer (each opens a page; only its button records)."""
    lines = [
        greeting,
        "",
        f"your case #{case_number}, “{subject}”, is solved. We have one question, and only one: {QUESTION.lower()}",
        "",
        *[f"- {WORDS[score]}: {link}" for score, link in links],
        "",
        "Each link opens a page where you can add a comment if you like, then send your answer. "
        f"We ask at most once every {interval_days} days, never while another request of yours is open.",
        "",
        f"Rather not be asked at all? Say so here: {preferences}",
    ]
    return "\n".join(lines)


def check_may_read_all(actor: Actor) -> None:
    """Every survey, with its comment, and the figures: for supervisors and admins (agents see their cases')."""
    if not (isinstance(actor, StaffActor) and actor.at_least(Role.SUPERVISOR)):
        raise Forbidden("Surveys across cases are for supervisors and admins; each case shows its own.")
