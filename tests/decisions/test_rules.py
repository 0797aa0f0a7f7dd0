"""Decision rules without a database: what a decision must say, and who may record or revise one."""

from __future__ import annotations

import pytest

from sameside.decisions import rules
from sameside.decisions.rules import DecisionKind
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid

OWNER = StaffActor(1, Role.AGENT, team_id=7)
COLLEAGUE = StaffActor(2, Role.AGENT, team_id=7)
SUPERVISOR = StaffActor(3, Role.SUPERVISOR, team_id=7)
ADMIN = StaffActor(4, Role.ADMIN)


def test_a_decision_is_final_or_a_polite_decline() -> None:
    assert [k.value for k in DecisionKind] == ["final", "decline"]


def test_each_part_of_a_decision_is_required_and_kept_as_written() -> None:
    words = "We cannot send a kettle every month, Ana.\nThe refund you chose stands."
    assert rules.clean(f"  {words}\x00 \n", "what the customer will read") == words
    for empty in ("", "   ", "\x00\n\t"):
        with pytest.raises(Invalid, match=r"^Write the rationale \(for colleagues\)\.$"):
            rules.clean(empty, "the rationale (for colleagues)")


def test_a_decision_has_a_length_limit_its_policy_a_shorter_one() -> None:
    assert rules.clean("x" * rules.TEXT_MAX, "the rationale") == "x" * rules.TEXT_MAX
    with pytest.raises(Invalid, match=r"^The rationale may have at most 10,000 characters\.$"):
        rules.clean("x" * (rules.TEXT_MAX + 1), "the rationale")
    with pytest.raises(Invalid, match=r"^The policy it rests on may have at most 500 characters\.$"):
        rules.clean("x" * 501, "the policy it rests on", limit=500)


def test_the_owner_or_a_supervisor_records_the_first_decision_and_no_other_agent() -> None:
    for who in (OWNER, SUPERVISOR, ADMIN):
        rules.check_may_decide(who, owner_id=OWNER.staff_id, standing=False)
    with pytest.raises(Forbidden, match="owner or a supervisor"):
        rules.check_may_decide(COLLEAGUE, owner_id=OWNER.staff_id, standing=False)
    with pytest.raises(Forbidden, match="owner or a supervisor"):
        rules.check_may_decide(OWNER, owner_id=None, standing=False)  # an unowned case: a supervisor decides
    rules.check_may_decide(SUPERVISOR, owner_id=None, standing=False)


def test_a_standing_decision_is_revised_only_by_a_supervisor_not_even_by_its_owner() -> None:
    for who in (OWNER, COLLEAGUE):
        with pytest.raises(Forbidden, match="only a supervisor may revise it") as refused:
            rules.check_may_decide(who, owner_id=OWNER.staff_id, standing=True)
        assert refused.value.status == 403
    for who in (SUPERVISOR, ADMIN):
        rules.check_may_decide(who, owner_id=OWNER.staff_id, standing=True)
