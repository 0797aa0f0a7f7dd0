"""The rules of merging, linking and splitting, without a database."""

from __future__ import annotations

import pytest

from sameside.cases.links import rules
from sameside.cases.links.rules import AlreadyLinked, AlreadyMerged, Message, Side
from sameside.cases.rules import CaseScope, CaseStatus
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid

AGENT = StaffActor(7, Role.AGENT, team_id=1)
SUPERVISOR = StaffActor(9, Role.SUPERVISOR, team_id=2)


def side(
    number: int,
    *,
    customer: int = 100,
    org: int | None = None,
    team: int | None = 1,
    owner: int | None = None,
    status: CaseStatus = CaseStatus.OPEN,
    merged_into: int | None = None,
) -> Side:
    scope = CaseScope(
        team_id=team, owner_id=owner, customer_id=customer, organization_id=org, shared_with_organization=False
    )
    return Side(number, scope, status, merged_into)


def test_a_duplicate_of_the_same_customer_moves_its_timeline() -> None:
    assert rules.check_merge(AGENT, side(2), side(1)) is True


def test_another_customer_of_the_same_organisation_merges_but_moves_nothing() -> None:
    assert rules.check_merge(AGENT, side(2, customer=101, org=5), side(1, customer=100, org=5)) is False


def test_another_customers_case_outside_their_organisation_is_refused() -> None:
    with pytest.raises(Invalid, match="Link them instead"):
        rules.check_merge(AGENT, side(2, customer=101, org=5), side(1, customer=100, org=6))
    with pytest.raises(Invalid):
        rules.check_merge(AGENT, side(2, customer=101), side(1, customer=100))


def test_a_case_is_not_merged_into_itself_twice_or_into_a_merged_or_closed_one() -> None:
    with pytest.raises(Invalid, match="itself"):
        rules.check_merge(AGENT, side(1), side(1))
    with pytest.raises(AlreadyMerged, match="already merged into case #9"):
        rules.check_merge(AGENT, side(2, merged_into=9, status=CaseStatus.CLOSED), side(1))
    with pytest.raises(AlreadyMerged, match="merge into that one"):
        rules.check_merge(AGENT, side(2), side(1, merged_into=9, status=CaseStatus.CLOSED))
    with pytest.raises(Conflict, match="still open"):
        rules.check_merge(AGENT, side(2), side(1, status=CaseStatus.CLOSED))


def test_an_agent_must_be_able_to_change_both_cases() -> None:
    with pytest.raises(Forbidden):  # the duplicate is another team's
        rules.check_merge(AGENT, side(2, team=3), side(1))
    with pytest.raises(Forbidden):  # the survivor is another team's
        rules.check_merge(AGENT, side(2), side(1, team=3))
    with pytest.raises(Forbidden):  # a colleague owns the duplicate
        rules.check_merge(AGENT, side(2, owner=8), side(1))
    assert rules.check_merge(SUPERVISOR, side(2, team=3, owner=8), side(1, team=4)) is True
    with pytest.raises(Forbidden):
        rules.check_merge(CustomerActor(100, None), side(2), side(1))


def test_links_are_made_once_between_two_different_cases() -> None:
    rules.check_link(AGENT, side(1), side(2, team=3, customer=999), linked=False)  # any other case
    with pytest.raises(AlreadyLinked):
        rules.check_link(AGENT, side(1), side(2), linked=True)
    with pytest.raises(Invalid):
        rules.check_link(AGENT, side(1), side(1), linked=False)
    with pytest.raises(Forbidden):
        rules.check_link(AGENT, side(1, team=3), side(2), linked=False)


def test_only_a_later_customer_message_is_split_off() -> None:
    ok = Message(id=5, on_case=True, from_customer=True, opened_the_case=False)
    rules.check_split(AGENT, side(1), ok)
    for wrong, words in (
        (Message(5, on_case=False, from_customer=True, opened_the_case=False), "not on case #1"),
        (Message(5, on_case=True, from_customer=False, opened_the_case=False), "customer wrote"),
        (Message(5, on_case=True, from_customer=True, opened_the_case=True), "opened this case"),
    ):
        with pytest.raises(Invalid, match=words):
            rules.check_split(AGENT, side(1), wrong)
    with pytest.raises(Conflict):
        rules.check_split(AGENT, side(1, status=CaseStatus.CLOSED), ok)


def test_the_new_case_is_named_by_the_messages_first_line() -> None:
    assert rules.split_subject("\n  Also: my invoice is wrong\nmore", "Old") == "Also: my invoice is wrong"
    assert rules.split_subject("   \n", "Old") == "Old"
    long = rules.split_subject("x" * 500, "Old")
    assert len(long) == rules.SUBJECT_MAX and long.endswith("…")


def test_the_customer_reads_the_other_cases_number_only_when_it_is_theirs() -> None:
    assert "#12" in rules.merged_words(survivor=12, theirs=True)
    assert "12" not in rules.merged_words(survivor=12, theirs=False)
