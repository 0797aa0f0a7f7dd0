"""The rules of a case, in plain Python: status moves, who may do what, what counts as a human reply.

Nothing here touches a database or a web request; `service.py` asks these
functions and acts on the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sameside.kit.actors import Actor, CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Conflict, Forbidden, Invalid


class CaseStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    WAITING_ON_INTERNAL = "waiting_on_internal"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class EntryKind(StrEnum):
    MESSAGE = "message"
    NOTE = "note"
    EVENT = "event"


class EventType(StrEnum):
    """Everything that can happen to a case. Later features add their rows here, not new tables of events."""

    CREATED = "created"
    ASSIGNED = "assigned"
    STATUS_CHANGED = "status_changed"
    REOPENED = "reopened"
    PRIORITY_CHANGED = "priority_changed"
    TAGGED = "tagged"
    TRANSFERRED = "transferred"  # with a handoff brief (P2)
    RESTATEMENT_DETECTED = "restatement_detected"
    ESCALATION_REQUESTED = "escalation_requested"  # routes back to the owner (P3)
    CONSULT_OPENED = "consult_opened"  # P4
    CONSULT_ANSWERED = "consult_answered"
    GRANT_MADE = "grant_made"  # P5
    GRANT_APPROVAL_REQUESTED = "grant_approval_requested"
    OFFER_SENT = "offer_sent"  # P6
    OFFER_CHOSEN = "offer_chosen"
    DECISION_RECORDED = "decision_recorded"  # P7
    CALLBACK_BOOKED = "callback_booked"  # P1
    CALLBACK_MISSED = "callback_missed"
    CALLBACK_CANCELLED = "callback_cancelled"  # the customer called it off (a move is booked again)
    INCIDENT_LINKED = "incident_linked"  # P11
    INCIDENT_NOTICE_SENT = "incident_notice_sent"
    REPEAT_CONTACT_LINKED = "repeat_contact_linked"  # P12
    SURVEY_SENT = "survey_sent"  # P10
    DELIVERY_FAILED = "delivery_failed"
    SERVICE_LEVEL_BREACHED = "service_level_breached"
    MERGED_INTO = "merged_into"  # a duplicate closed into another case (`cases.links`)
    MERGED_FROM = "merged_from"  # the case a duplicate was merged into
    LINKED = "linked"  # related cases, both ways
    UNLINKED = "unlinked"
    SPLIT_OFF = "split_off"  # a message taken off into a new case
    SPLIT_FROM = "split_from"  # the new case, pointing back
    CALL_LOGGED = "call_logged"  # a phone call an agent made or took, written down (`calls`)
    CALLBACK_ASSIGNED = "callback_assigned"  # a booked call given to the person who will make it
    SURVEY_ANSWERED = "survey_answered"  # P10: the one question, answered (again: the answer replaced)
    CONTACT_HELD = "contact_held"  # P10: a survey or reminder not sent, to respect their time, and why
    FEEDBACK_MARKED = "feedback_marked"  # P15: a compliment, complaint or suggestion routed to whom it concerns


# Which moves a person may make. A customer's message moves a case by itself
# (see `status_after_customer_message`), and reopening is its own verb.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset(
        {
            CaseStatus.OPEN,
            CaseStatus.WAITING_ON_CUSTOMER,
            CaseStatus.WAITING_ON_INTERNAL,
            CaseStatus.RESOLVED,
        }
    ),
    CaseStatus.OPEN: frozenset(
        {
            CaseStatus.WAITING_ON_CUSTOMER,
            CaseStatus.WAITING_ON_INTERNAL,
            CaseStatus.RESOLVED,
        }
    ),
    CaseStatus.WAITING_ON_CUSTOMER: frozenset(
        {
            CaseStatus.OPEN,
            CaseStatus.WAITING_ON_INTERNAL,
            CaseStatus.RESOLVED,
        }
    ),
    CaseStatus.WAITING_ON_INTERNAL: frozenset(
        {
            CaseStatus.OPEN,
            CaseStatus.WAITING_ON_CUSTOMER,
            CaseStatus.RESOLVED,
        }
    ),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

ACTIVE = frozenset({CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.WAITING_ON_INTERNAL})


class InvalidTransition(Conflict):
    title = "Status change not allowed"
    slug = "invalid-transition"


class CaseClosed(Conflict):
    title = "Case is closed"
    slug = "case-closed"


def check_transition(current: CaseStatus, target: CaseStatus) -> None:
    if target == current:
        raise InvalidTransition(f"The case is already {current.value}.")
    if target not in TRANSITIONS[current]:
        if current is CaseStatus.RESOLVED and target is not CaseStatus.CLOSED:
            raise InvalidTransition("A resolved case is reopened, not moved: use reopen.")
        if current is CaseStatus.CLOSED:
            raise InvalidTransition("A closed case is final; a new contact opens a new case.")
        raise InvalidTransition(f"A case cannot move from {current.value} to {target.value}.")


def check_reopen(current: CaseStatus) -> None:
    if current is CaseStatus.CLOSED:
        raise CaseClosed("A closed case is final; a new contact opens a new case.")
    if current is not CaseStatus.RESOLVED:
        raise InvalidTransition(f"Only a resolved case can be reopened; this one is {current.value}.")


def status_after_customer_message(current: CaseStatus) -> CaseStatus:
    """Where a customer's new message leaves the case.

    Waiting on the customer or resolved: the ball is back with us, so it opens.
    Closed cases never take messages (the caller opens a follow-up case).
    """
    if current is CaseStatus.CLOSED:
        raise CaseClosed("A closed case is final; a new contact opens a new case.")
    if current in (CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.RESOLVED):
        return CaseStatus.OPEN
    return current


def status_after_staff_reply(current: CaseStatus, requested: CaseStatus | None) -> CaseStatus:
    """Where a staff reply leaves the case: as requested, else a new case becomes open."""
    if current is CaseStatus.CLOSED:
        raise CaseClosed("A closed case is final; reply on a new case.")
    if requested is not None and requested != current:
        check_transition(current, requested)
        return requested
    if current is CaseStatus.NEW:
        return CaseStatus.OPEN
    return current


def is_first_human_reply(*, already_replied: bool, by_staff: bool, automatic: bool, public: bool) -> bool:
    """A reply counts as the first *human* reply only if a person sent it to the customer (P1).

    Automatic acknowledgements and internal notes never count; nor does any
    reply after the first.
    """
    return not already_replied and by_staff and not automatic and public


# ---------------------------------------------------------------- access


@dataclass(frozen=True)
class CaseScope:
    """What access decisions need to know about a case.

    The last three matter only for a case in a restricted team, and are
    filled in by `access` only then: who else keeps sight of it.
    """

    team_id: int | None
    owner_id: int | None
    customer_id: int
    organization_id: int | None
    shared_with_organization: bool
    restricted: bool = False
    """The case's team is restricted: only the people below read it."""
    previous_owners: frozenset[int] = frozenset()
    """Staff who owned the case before: they keep reading it (their notifications still open)."""
    consulted_departments: frozenset[int] = frozenset()
    """Departments asked about the case: their members read what they are answering."""


def may_view(actor: Actor, case: CaseScope) -> bool:
    """Who may read a case.

    Staff read every case, as in the big help desks, except a restricted
    team's: that one is read by the team, supervisors and admins, the case's
    owner and previous owners, and members of the departments consulted on
    it. A case with no team is never restricted. A customer reads their own
    cases and the ones shared with their organization.

    Reading is not acting: `may_work` says who may change the case.
    """
    if isinstance(actor, SystemActor):
        return True
    if isinstance(actor, StaffActor):
        if not case.restricted or case.team_id is None or may_work(actor, case):
            return True
        return actor.staff_id in case.previous_owners or (
            actor.department_id is not None and actor.department_id in case.consulted_departments
        )
    return _customer_sees(actor, case)


def may_work(actor: Actor, case: CaseScope) -> bool:
    """Who may change a case (reply, note, assign, status, ask a department), beyond reading it.

    Supervisors and admins work on every case; an agent on their team's
    cases, cases they own and untriaged cases (no team). A customer on the
    cases they may see (they write on them and ask for someone senior).
    """
    if isinstance(actor, SystemActor):
        return True
    if isinstance(actor, StaffActor):
        if actor.at_least(Role.SUPERVISOR):
            return True
        return case.owner_id == actor.staff_id or case.team_id is None or case.team_id == actor.team_id
    return _customer_sees(actor, case)


def _customer_sees(actor: CustomerActor, case: CaseScope) -> bool:
    return actor.customer_id == case.customer_id or (
        case.shared_with_organization
        and actor.organization_id is not None
        and actor.organization_id == case.organization_id
    )


def require_staff(actor: Actor, what: str) -> StaffActor | SystemActor:
    if isinstance(actor, CustomerActor):
        raise Forbidden(f"Only staff may {what}.")
    return actor


NOT_YOURS_TO_CHANGE = "You may read this case, but it is another team's: its team or a supervisor works on it."


def check_may_work(actor: Actor, case: CaseScope) -> None:
    """Refuse a change to a case the actor may read but not work on (another team's)."""
    if not may_work(actor, case):
        raise Forbidden(NOT_YOURS_TO_CHANGE)


def check_assign(actor: Actor, case: CaseScope, new_owner_id: int | None, new_owner_active: bool) -> None:
    """Supervisors assign anyone. An agent may take an unowned case for themselves.

    Handing a case someone owns to someone else is a transfer, which carries a
    handoff brief (P2) and is a supervisor's call here.
    """
    staff = require_staff(actor, "assign cases")
    check_may_work(staff, case)
    if new_owner_id is not None and not new_owner_active:
        raise Invalid("Cases can only be assigned to active staff.")
    if isinstance(staff, SystemActor) or staff.at_least(Role.SUPERVISOR):
        return
    if new_owner_id == staff.staff_id and case.owner_id in (None, staff.staff_id):
        return
    if new_owner_id is None and case.owner_id == staff.staff_id:
        return
    raise Forbidden("An agent may take an unowned case or give up their own; ask a supervisor to reassign.")


@dataclass(frozen=True)
class HandoffBrief:
    """What the next person needs so the customer never has to repeat themselves (P2)."""

    problem: str
    """The problem in the customer's own words."""
    tried: str
    """What has been tried so far."""
    promised: str
    """What the customer has been promised, and by when ("nothing yet" is an answer)."""
    feeling: str
    """How the customer feels about it."""


BRIEF_MAX = 4000


def check_brief(brief: HandoffBrief) -> HandoffBrief:
    """A transfer without a full brief is refused: every part must be written, none may be a novel."""
    cleaned = HandoffBrief(
        *(
            " ".join(part.replace("\x00", "").split(" ")).strip()
            for part in (brief.problem, brief.tried, brief.promised, brief.feeling)
        )
    )
    missing = [
        name
        for name, value in zip(
            ("problem", "tried", "promised", "feeling"),
            (cleaned.problem, cleaned.tried, cleaned.promised, cleaned.feeling),
            strict=True,
        )
        if not value
    ]
    if missing:
        labels = {
            "problem": "the problem in the customer's words",
            "tried": "what was tried",
            "promised": "what was promised",
            "feeling": "how the customer feels",
        }
        raise Invalid("A transfer needs a handoff brief; missing: " + ", ".join(labels[m] for m in missing) + ".")
    if any(len(part) > BRIEF_MAX for part in (cleaned.problem, cleaned.tried, cleaned.promised, cleaned.feeling)):
        raise Invalid(f"Each part of the brief may have at most {BRIEF_MAX:,} characters.")
    return cleaned


def check_transfer(actor: Actor, case: CaseScope, new_owner_id: int | None, new_owner_active: bool) -> None:
    """The owner hands their case on, or a supervisor moves it; never into an inactive person's hands."""
    staff = require_staff(actor, "transfer cases")
    check_may_work(staff, case)
    if new_owner_id is not None and not new_owner_active:
        raise Invalid("Cases can only be transferred to active staff.")
    if isinstance(staff, SystemActor) or staff.at_least(Role.SUPERVISOR):
        return
    if case.owner_id in (None, staff.staff_id):
        return
    raise Forbidden("Only the case's owner or a supervisor may transfer it.")


def check_work(actor: Actor, case: CaseScope, what: str) -> None:
    """Staff work on cases they may see; an agent may not change a case a colleague owns, except by note."""
    staff = require_staff(actor, what)
    check_may_work(staff, case)
    if isinstance(staff, SystemActor) or staff.at_least(Role.SUPERVISOR):
        return
    if case.owner_id not in (None, staff.staff_id):
        raise Forbidden(f"Only the case's owner or a supervisor may {what}.")


TAG_MAX = 64


def clean_tags(tags: list[str]) -> list[str]:
    """Lower-case, trimmed, de-duplicated tags; refuses empty or overlong ones."""
    cleaned: list[str] = []
    for tag in tags:
        value = tag.strip().lower()
        if not value or len(value) > TAG_MAX or not all(c.isprintable() and not c.isspace() for c in value):
            raise Invalid(f"{tag!r} is not a valid tag: 1 to {TAG_MAX} characters, no spaces.")
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > 20:
        raise Invalid("A case may carry at most 20 tags.")
    return cleaned
