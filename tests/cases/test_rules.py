"""The rules of a case, without a database: status moves, what counts as a human reply, who may do what."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from sameside.cases.rules import (
    CaseClosed,
    CaseScope,
    CaseStatus,
    HandoffBrief,
    InvalidTransition,
    check_assign,
    check_brief,
    check_reopen,
    check_transfer,
    check_transition,
    check_work,
    clean_tags,
    is_first_human_reply,
    may_view,
    status_after_customer_message,
    status_after_staff_reply,
)
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid

NEW = CaseStatus.NEW
OPEN = CaseStatus.OPEN
WOC = CaseStatus.WAITING_ON_CUSTOMER
WOI = CaseStatus.WAITING_ON_INTERNAL
RESOLVED = CaseStatus.RESOLVED
CLOSED = CaseStatus.CLOSED

# The status machine as the product describes it, written out independently of rules.TRANSITIONS.
ALLOWED = {
    (NEW, OPEN),
    (NEW, WOC),
    (NEW, WOI),
    (NEW, RESOLVED),
    (OPEN, WOC),
    (OPEN, WOI),
    (OPEN, RESOLVED),
    (WOC, OPEN),
    (WOC, WOI),
    (WOC, RESOLVED),
    (WOI, OPEN),
    (WOI, WOC),
    (WOI, RESOLVED),
    (RESOLVED, CLOSED),
}
ALL_PAIRS = list(itertools.product(CaseStatus, CaseStatus))


def _refusal(current: CaseStatus, target: CaseStatus) -> str:
    """The message a person should read for a refused move."""
    if current == target:
        return f"The case is already {current.value}."
    if current is RESOLVED:
        return "A resolved case is reopened, not moved: use reopen."
    if current is CLOSED:
        return "A closed case is final; a new contact opens a new case."
    return f"A case cannot move from {current.value} to {target.value}."


def test_the_table_covers_every_pair_of_statuses() -> None:
    assert len(ALL_PAIRS) == 36
    assert len(CaseStatus) == 6


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=lambda s: s.value)
def test_every_status_move_is_allowed_or_refused_with_a_precise_reason(current: CaseStatus, target: CaseStatus) -> None:
    if (current, target) in ALLOWED:
        check_transition(current, target)
        return
    with pytest.raises(InvalidTransition) as refused:
        check_transition(current, target)
    assert refused.value.detail == _refusal(current, target)
    assert refused.value.status == 409


def test_nothing_moves_back_to_new_and_nothing_skips_resolution_on_its_way_to_closed() -> None:
    for status in CaseStatus:
        with pytest.raises(InvalidTransition):
            check_transition(status, NEW)
    for status in (NEW, OPEN, WOC, WOI):
        with pytest.raises(InvalidTransition, match=f"from {status.value} to closed"):
            check_transition(status, CLOSED)


def test_only_a_resolved_case_reopens_and_a_closed_one_never_does() -> None:
    check_reopen(RESOLVED)
    with pytest.raises(CaseClosed) as closed:
        check_reopen(CLOSED)
    assert closed.value.status == 409
    assert "final" in closed.value.detail
    for status in (NEW, OPEN, WOC, WOI):
        with pytest.raises(InvalidTransition) as refused:
            check_reopen(status)
        assert refused.value.detail == f"Only a resolved case can be reopened; this one is {status.value}."


@pytest.mark.parametrize(
    ("current", "after"),
    [(NEW, NEW), (OPEN, OPEN), (WOC, OPEN), (WOI, WOI), (RESOLVED, OPEN)],
    ids=lambda s: s.value,
)
def test_a_customer_message_hands_a_waiting_or_resolved_case_back_to_us(current: CaseStatus, after: CaseStatus) -> None:
    assert status_after_customer_message(current) is after


def test_a_customer_message_on_a_closed_case_is_refused() -> None:
    with pytest.raises(CaseClosed) as refused:
        status_after_customer_message(CLOSED)
    assert refused.value.status == 409
    assert refused.value.detail == "A closed case is final; a new contact opens a new case."


@pytest.mark.parametrize(
    ("current", "after"),
    [(NEW, OPEN), (OPEN, OPEN), (WOC, WOC), (WOI, WOI), (RESOLVED, RESOLVED)],
    ids=lambda s: s.value,
)
def test_a_staff_reply_without_a_requested_status_opens_a_new_case_and_leaves_others(
    current: CaseStatus, after: CaseStatus
) -> None:
    assert status_after_staff_reply(current, None) is after


@pytest.mark.parametrize(
    ("current", "requested"),
    [pair for pair in ALL_PAIRS if pair[0] is not CLOSED],
    ids=lambda s: s.value,
)
def test_a_staff_reply_moves_the_case_where_asked_if_that_move_is_allowed(
    current: CaseStatus, requested: CaseStatus
) -> None:
    if requested == current:
        # Asking for the status the case already has is not a move: the reply goes through as if
        # nothing was asked (so a new case that has been answered is open).
        assert status_after_staff_reply(current, requested) is (OPEN if current is NEW else current)
    elif (current, requested) in ALLOWED:
        assert status_after_staff_reply(current, requested) is requested
    else:
        with pytest.raises(InvalidTransition) as refused:
            status_after_staff_reply(current, requested)
        assert refused.value.detail == _refusal(current, requested)


@pytest.mark.parametrize("requested", [None, *CaseStatus], ids=str)
def test_a_staff_reply_on_a_closed_case_is_refused(requested: CaseStatus | None) -> None:
    with pytest.raises(CaseClosed, match="closed case is final"):
        status_after_staff_reply(CLOSED, requested)


@pytest.mark.parametrize(
    ("already_replied", "by_staff", "automatic", "public"), list(itertools.product([False, True], repeat=4))
)
def test_only_a_persons_first_public_reply_counts_as_the_first_human_reply(
    already_replied: bool, by_staff: bool, automatic: bool, public: bool
) -> None:
    counts = is_first_human_reply(
        already_replied=already_replied, by_staff=by_staff, automatic=automatic, public=public
    )
    assert counts is (not already_replied and by_staff and not automatic and public)


def test_automatic_acknowledgements_and_internal_notes_never_count() -> None:
    assert not is_first_human_reply(already_replied=False, by_staff=True, automatic=True, public=True)
    assert not is_first_human_reply(already_replied=False, by_staff=True, automatic=False, public=False)
    assert is_first_human_reply(already_replied=False, by_staff=True, automatic=False, public=True)


# ---------------------------------------------------------------- access

TEAM_A, TEAM_B = 10, 20
ME, COLLEAGUE = 1, 2
CUSTOMER, OTHER_CUSTOMER = 100, 200
ORG, OTHER_ORG = 1000, 2000

agent = StaffActor(ME, Role.AGENT, TEAM_A)
teamless_agent = StaffActor(ME, Role.AGENT, None)
supervisor = StaffActor(ME, Role.SUPERVISOR, TEAM_A)
admin = StaffActor(ME, Role.ADMIN, None)
system = SystemActor("tests")


def scope(
    *,
    team: int | None = TEAM_A,
    owner: int | None = None,
    customer: int = CUSTOMER,
    org: int | None = None,
    shared: bool = False,
) -> CaseScope:
    return CaseScope(
        team_id=team, owner_id=owner, customer_id=customer, organization_id=org, shared_with_organization=shared
    )


CASES = {
    "my team, unowned": scope(team=TEAM_A),
    "my team, a colleague's": scope(team=TEAM_A, owner=COLLEAGUE),
    "other team, mine": scope(team=TEAM_B, owner=ME),
    "other team, unowned": scope(team=TEAM_B),
    "other team, a colleague's": scope(team=TEAM_B, owner=COLLEAGUE),
    "no team, unowned": scope(team=None),
    "no team, a colleague's": scope(team=None, owner=COLLEAGUE),
}


@pytest.mark.parametrize("actor", [system, supervisor, admin, StaffActor(ME, Role.SUPERVISOR, None)], ids=repr)
def test_supervisors_admins_and_the_system_see_every_case(actor: StaffActor | SystemActor) -> None:
    for name, case in CASES.items():
        assert may_view(actor, case), name


def test_an_agent_reads_every_case_when_no_team_is_restricted() -> None:
    assert all(may_view(agent, case) for case in CASES.values())
    assert all(may_view(teamless_agent, case) for case in CASES.values())


def test_an_agent_sees_their_teams_cases_their_own_and_untriaged_ones_when_teams_are_restricted() -> None:
    visible = {name for name, case in CASES.items() if may_view(agent, replace(case, restricted=True))}
    assert visible == {
        "my team, unowned",
        "my team, a colleague's",
        "other team, mine",
        "no team, unowned",
        "no team, a colleague's",
    }


def test_an_agent_without_a_team_sees_only_their_own_and_untriaged_cases_of_restricted_teams() -> None:
    visible = {name for name, case in CASES.items() if may_view(teamless_agent, replace(case, restricted=True))}
    assert visible == {"other team, mine", "no team, unowned", "no team, a colleague's"}


def test_a_customer_sees_their_own_cases_and_those_shared_with_their_organization() -> None:
    me = CustomerActor(CUSTOMER, ORG)
    assert may_view(me, scope(customer=CUSTOMER, org=ORG))
    assert may_view(me, scope(customer=CUSTOMER, org=ORG, shared=True))
    assert may_view(me, scope(customer=OTHER_CUSTOMER, org=ORG, shared=True))
    assert not may_view(me, scope(customer=OTHER_CUSTOMER, org=ORG, shared=False))
    assert not may_view(me, scope(customer=OTHER_CUSTOMER, org=OTHER_ORG, shared=True))
    assert not may_view(me, scope(customer=OTHER_CUSTOMER, org=None, shared=True))


def test_a_customer_without_an_organization_sees_only_their_own_cases() -> None:
    loner = CustomerActor(CUSTOMER, None)
    assert may_view(loner, scope(customer=CUSTOMER))
    # Two customers without an organization do not share one.
    assert not may_view(loner, scope(customer=OTHER_CUSTOMER, org=None, shared=True))
    assert not may_view(loner, scope(customer=OTHER_CUSTOMER, org=ORG, shared=True))


def test_customers_never_assign_or_work_on_cases() -> None:
    customer = CustomerActor(CUSTOMER, ORG)
    with pytest.raises(Forbidden, match="Only staff may assign cases"):
        check_assign(customer, scope(customer=CUSTOMER), None, True)
    with pytest.raises(Forbidden, match="Only staff may reply on this case"):
        check_work(customer, scope(customer=CUSTOMER), "reply on this case")


@pytest.mark.parametrize("actor", [system, supervisor, admin], ids=repr)
def test_supervisors_and_the_system_assign_anyone_to_anything(actor: StaffActor | SystemActor) -> None:
    for case in CASES.values():
        check_assign(actor, case, COLLEAGUE, True)
        check_assign(actor, case, ME, True)
        check_assign(actor, case, None, True)


@pytest.mark.parametrize("actor", [system, supervisor, agent], ids=repr)
def test_no_one_assigns_a_case_to_inactive_staff(actor: StaffActor | SystemActor) -> None:
    with pytest.raises(Invalid, match="active staff"):
        check_assign(actor, scope(), ME, False)
    # Clearing the owner is not assigning to someone inactive.
    check_assign(actor, scope(owner=ME), None, True)


def test_an_agent_may_take_an_unowned_case_keep_their_own_or_give_it_up() -> None:
    check_assign(agent, scope(owner=None), ME, True)
    check_assign(agent, scope(owner=ME), ME, True)
    check_assign(agent, scope(owner=ME), None, True)


@pytest.mark.parametrize(
    ("case", "new_owner"),
    [
        (scope(owner=None), COLLEAGUE),  # handing an unowned case to someone else
        (scope(owner=COLLEAGUE), ME),  # taking a colleague's case
        (scope(owner=COLLEAGUE), None),  # un-assigning a colleague
        (scope(owner=ME), COLLEAGUE),  # a transfer: needs a handoff, a supervisor's call
    ],
)
def test_an_agent_may_not_reassign_colleagues(case: CaseScope, new_owner: int | None) -> None:
    with pytest.raises(Forbidden, match="ask a supervisor"):
        check_assign(agent, case, new_owner, True)


def test_an_agent_works_on_their_own_and_unowned_cases_only() -> None:
    check_work(agent, scope(owner=ME), "resolve this case")
    check_work(agent, scope(owner=None), "resolve this case")
    with pytest.raises(Forbidden) as refused:
        check_work(agent, scope(owner=COLLEAGUE), "resolve this case")
    assert refused.value.detail == "Only the case's owner or a supervisor may resolve this case."


@pytest.mark.parametrize("actor", [system, supervisor, admin], ids=repr)
def test_supervisors_and_the_system_work_on_any_case(actor: StaffActor | SystemActor) -> None:
    for case in CASES.values():
        check_work(actor, case, "change this case's status")


# ---------------------------------------------------------------- tags


def test_tags_are_trimmed_lower_cased_and_de_duplicated_in_order() -> None:
    assert clean_tags(["  Billing ", "VIP", "billing", "vip", "refund-2024"]) == ["billing", "vip", "refund-2024"]
    assert clean_tags([]) == []


@pytest.mark.parametrize("bad", ["", "   ", "two words", "tab\tinside", "new\nline", "x" * 65])
def test_empty_spaced_or_overlong_tags_are_refused(bad: str) -> None:
    with pytest.raises(Invalid) as refused:
        clean_tags(["fine", bad])
    assert refused.value.status == 422
    assert repr(bad) in refused.value.detail


def test_a_tag_may_have_exactly_64_characters() -> None:
    assert clean_tags(["X" * 64]) == ["x" * 64]


def test_a_case_carries_at_most_20_distinct_tags() -> None:
    twenty = [f"tag-{n}" for n in range(20)]
    assert clean_tags(twenty) == twenty
    # Duplicates collapse before counting.
    assert clean_tags([*twenty, "TAG-0", " tag-1 "]) == twenty
    with pytest.raises(Invalid, match="at most 20 tags"):
        clean_tags([*twenty, "one-more"])


@pytest.mark.parametrize("bad", ["nul\x00byte", "esc\x1b[31m", "del\x7f"])
def test_tags_with_control_characters_are_refused(bad: str) -> None:
    # A NUL cannot even be stored in PostgreSQL text; none of these is a tag a person typed.
    with pytest.raises(Invalid):
        clean_tags([bad])


def test_a_handoff_brief_must_be_complete() -> None:
    with pytest.raises(Invalid, match="what was promised, how the customer feels"):
        check_brief(HandoffBrief("Charged twice", "Checked the log", " ", ""))
    full = check_brief(HandoffBrief(" Charged twice ", "Checked", "Refund by Friday", "Annoyed"))
    assert full.problem == "Charged twice"
    with pytest.raises(Invalid, match="at most"):
        check_brief(HandoffBrief("x" * 5000, "a", "b", "c"))


def test_only_the_owner_or_a_supervisor_transfers_a_case() -> None:
    owned = CaseScope(team_id=1, owner_id=7, customer_id=3, organization_id=None, shared_with_organization=False)
    check_transfer(StaffActor(7, Role.AGENT, 1), owned, 9, True)
    check_transfer(StaffActor(8, Role.SUPERVISOR, 2), owned, 9, True)
    with pytest.raises(Forbidden):
        check_transfer(StaffActor(8, Role.AGENT, 1), owned, 9, True)
    with pytest.raises(Invalid):
        check_transfer(StaffActor(7, Role.AGENT, 1), owned, 9, False)
