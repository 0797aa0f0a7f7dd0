"""Feedback's pure rules: kinds from survey scores, whom it concerns, who handles it, the moves, the on-time rate."""

from __future__ import annotations

import pytest

from sameside.feedback import rules
from sameside.feedback.rules import Concerns, FeedbackKind, FeedbackState
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid


def test_a_low_score_with_a_comment_is_a_complaint_and_a_high_one_a_compliment() -> None:
    assert [rules.kind_of_score(s) for s in (1, 2, 3, 4, 5)] == [
        FeedbackKind.COMPLAINT,
        FeedbackKind.COMPLAINT,
        FeedbackKind.SUGGESTION,
        FeedbackKind.COMPLIMENT,
        FeedbackKind.COMPLIMENT,
    ]


def test_feedback_concerns_one_team_or_one_department_never_both_nor_none() -> None:
    assert Concerns(team_id=3).team_id == 3
    assert Concerns(department_id=4).department_id == 4
    with pytest.raises(Invalid):
        Concerns()
    with pytest.raises(Invalid):
        Concerns(team_id=3, department_id=4)


def test_the_department_or_team_it_concerns_handles_it_and_supervisors_handle_all() -> None:
    billing = Concerns(department_id=4)
    support = Concerns(team_id=3)
    clerk = StaffActor(1, Role.AGENT, None, 4)
    other_clerk = StaffActor(2, Role.AGENT, None, 5)
    agent = StaffActor(3, Role.AGENT, 3)
    boss = StaffActor(4, Role.SUPERVISOR, 9)
    assert rules.may_handle(clerk, billing) and not rules.may_handle(clerk, support)
    assert not rules.may_handle(other_clerk, billing)
    assert rules.may_handle(agent, support) and not rules.may_handle(agent, billing)
    assert rules.may_handle(boss, billing) and rules.may_handle(boss, support)
    assert not rules.may_handle(CustomerActor(1), support)
    with pytest.raises(Forbidden):
        rules.check_handle(other_clerk, billing, "answer this feedback")


def test_answering_is_once_and_acknowledging_is_not_after_answering() -> None:
    rules.check_move(FeedbackState.NEW, FeedbackState.ACKNOWLEDGED)
    rules.check_move(FeedbackState.NEW, FeedbackState.ANSWERED)
    rules.check_move(FeedbackState.ACKNOWLEDGED, FeedbackState.ANSWERED)
    with pytest.raises(Conflict, match="answered already"):
        rules.check_move(FeedbackState.ANSWERED, FeedbackState.ANSWERED)
    with pytest.raises(Conflict, match="acknowledged already"):
        rules.check_move(FeedbackState.ACKNOWLEDGED, FeedbackState.ACKNOWLEDGED)


def test_the_on_time_rate_is_of_consults_answered_and_says_when_there_is_none() -> None:
    assert rules.on_time_rate(0, 0) is None
    assert rules.rate_words(rules.on_time_rate(0, 0)) == "no consults answered"
    assert rules.on_time_rate(4, 3) == 0.75
    assert rules.rate_words(rules.on_time_rate(6, 5)) == "83%"


def test_notes_and_answers_are_trimmed_and_bounded() -> None:
    assert rules.clean_note("  second   time\n this month ") == "second time this month"
    assert rules.clean_note("   ") is None
    with pytest.raises(Invalid):
        rules.clean_note("x" * (rules.NOTE_MAX + 1))
    with pytest.raises(Invalid, match="Write the answer"):
        rules.clean_answer("  \n ")
    assert rules.clean_answer(" We refunded it. ") == "We refunded it."
    assert len(rules.quoted("word " * 1000)) <= rules.WORDS_MAX
    with pytest.raises(Invalid):
        rules.kind_of("praise")


def test_kinds_are_counted_every_kind_present() -> None:
    counted = rules.count_kinds([FeedbackKind.COMPLAINT, FeedbackKind.COMPLAINT])
    assert counted == {FeedbackKind.COMPLIMENT: 0, FeedbackKind.COMPLAINT: 2, FeedbackKind.SUGGESTION: 0}
