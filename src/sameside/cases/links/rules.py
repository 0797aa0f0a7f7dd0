"""Who may merge, link and split cases, and what a merge does to whose words. Pure: no database, no web.

A merge closes a duplicate into a survivor of the same customer, or of the
same organisation. What moves depends on whose the two cases are:

- the same customer: the duplicate's whole timeline moves to the survivor,
  each entry keeping its place by time, and its mail threads follow;
- two customers of one organisation: nothing moves. Each customer keeps
  sight of their own words only (`may_view` is never widened by a merge);
  staff read the duplicate by its link on the survivor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sameside.cases.rules import CaseScope, CaseStatus, check_may_work, check_work, require_staff
from sameside.kit.actors import Actor
from sameside.kit.errors import Conflict, Invalid


class AlreadyMerged(Conflict):
    title = "Case already merged"
    slug = "case-merged"


class AlreadyLinked(Conflict):
    title = "Cases already linked"
    slug = "cases-linked"


@dataclass(frozen=True)
class Side:
    """What the rules need of one case of a pair."""

    number: int
    scope: CaseScope
    status: CaseStatus
    merged_into: int | None = None
    """The case it was merged into, when it was."""


def check_merge(actor: Actor, duplicate: Side, survivor: Side) -> bool:
    """Refuse a merge that may not happen; say whether the duplicate's timeline moves (the same customer).

    The actor must be allowed to close the duplicate (its owner, anyone while
    it is unowned, or a supervisor) and to work on the survivor.
    """
    staff = require_staff(actor, "merge cases")
    if duplicate.number == survivor.number:
        raise Invalid("A case cannot be merged into itself: choose the other case.")
    check_work(staff, duplicate.scope, "merge this case into another")
    check_may_work(staff, survivor.scope)
    if duplicate.merged_into is not None:
        raise AlreadyMerged(f"Case #{duplicate.number} is already merged into case #{duplicate.merged_into}.")
    if survivor.merged_into is not None:
        raise AlreadyMerged(
            f"Case #{survivor.number} was itself merged into case #{survivor.merged_into}: merge into that one."
        )
    if duplicate.status is CaseStatus.CLOSED:
        raise Conflict(f"Case #{duplicate.number} is closed: a closed case is final and is not merged.")
    if survivor.status is CaseStatus.CLOSED:
        raise Conflict(f"Case #{survivor.number} is closed: merge into a case that is still open.")
    same_customer = duplicate.scope.customer_id == survivor.scope.customer_id
    same_organisation = (
        duplicate.scope.organization_id is not None
        and duplicate.scope.organization_id == survivor.scope.organization_id
    )
    if not (same_customer or same_organisation):
        raise Invalid(
            f"Case #{survivor.number} is another customer's, outside their organisation: "
            "only a case of the same customer or organisation can take a duplicate. Link them instead."
        )
    return same_customer


def check_link(actor: Actor, case: Side, other: Side, *, linked: bool) -> None:
    """Related cases are linked by staff who may work on the one they act from; any two cases, once."""
    staff = require_staff(actor, "link cases")
    check_may_work(staff, case.scope)
    if case.number == other.number:
        raise Invalid("A case cannot be linked to itself: choose the other case.")
    if linked:
        raise AlreadyLinked(f"Cases #{case.number} and #{other.number} are already linked.")


def check_unlink(actor: Actor, case: Side) -> None:
    staff = require_staff(actor, "unlink cases")
    check_may_work(staff, case.scope)


@dataclass(frozen=True)
class Message:
    """What the rules need of the timeline entry to split off."""

    id: int
    on_case: bool
    from_customer: bool
    """An inbound message the customer wrote (not a reply, note or event)."""
    opened_the_case: bool


def check_split(actor: Actor, case: Side, message: Message) -> None:
    """One of the customer's later messages becomes a case of its own; the actor must be able to change the case."""
    staff = require_staff(actor, "split cases")
    check_work(staff, case.scope, "split this case")
    if case.status is CaseStatus.CLOSED or case.merged_into is not None:
        raise Conflict(f"Case #{case.number} is closed: a closed case is final and is not split.")
    if not message.on_case:
        raise Invalid(f"That message is not on case #{case.number}.")
    if not message.from_customer:
        raise Invalid("Only a message the customer wrote can be split off into a case of its own.")
    if message.opened_the_case:
        raise Invalid("That message opened this case; split off a later one.")


SUBJECT_MAX = 120


def split_subject(body: str, fallback: str) -> str:
    """The new case's subject: the message's first line, shortened, or the old subject."""
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    if not first:
        return fallback
    return first if len(first) <= SUBJECT_MAX else first[: SUBJECT_MAX - 1].rstrip() + "…"


def merged_words(*, survivor: int, theirs: bool) -> str:
    """What the duplicate's customer reads on it: the other case's number only when they may open it."""
    if theirs:
        return (
            f"We are answering this together with your request #{survivor}, so this one is closed. "
            f"Everything you wrote here is there too; please carry on in request #{survivor}."
        )
    return (
        "We are handling this together with a related request from your organisation, so this one is closed. "
        "Write to us again any time."
    )
