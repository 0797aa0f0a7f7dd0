"""Who reads a case and who changes it: `rules.may_view` and `rules.may_work`, in plain Python."""

from __future__ import annotations

import pytest

from sameside.cases.rules import CaseScope, check_work, may_view, may_work
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden

BILLING, LEGAL = 1, 2
OPS = 7


def scope(
    *, team: int | None = BILLING, owner: int | None = None, restricted: bool = False, **more: object
) -> CaseScope:
    return CaseScope(
        team_id=team,
        owner_id=owner,
        customer_id=100,
        organization_id=None,
        shared_with_organization=False,
        restricted=restricted,
        **more,  # type: ignore[arg-type]
    )


agent = StaffActor(10, Role.AGENT, team_id=BILLING)
other_agent = StaffActor(11, Role.AGENT, team_id=LEGAL)
back_office = StaffActor(12, Role.AGENT, department_id=OPS)
supervisor = StaffActor(13, Role.SUPERVISOR, team_id=LEGAL)
admin = StaffActor(14, Role.ADMIN)


@pytest.mark.parametrize("actor", [agent, other_agent, back_office, supervisor, admin, SystemActor()])
def test_by_default_every_staff_member_reads_every_case(actor: StaffActor | SystemActor) -> None:
    assert may_view(actor, scope())
    assert may_view(actor, scope(team=None))


def test_a_customer_reads_only_their_own() -> None:
    assert may_view(CustomerActor(100), scope())
    assert not may_view(CustomerActor(101), scope())


def test_a_restricted_teams_case_is_read_by_its_team_supervisors_and_its_owner() -> None:
    case = scope(team=LEGAL, restricted=True)
    assert may_view(other_agent, case)  # in the team
    assert may_view(supervisor, case)
    assert may_view(admin, case)
    assert not may_view(agent, case)
    assert not may_view(back_office, case)
    assert may_view(agent, scope(team=LEGAL, restricted=True, owner=agent.staff_id))


def test_previous_owners_and_consulted_departments_keep_reading_a_restricted_case() -> None:
    kept = scope(
        team=LEGAL, restricted=True, previous_owners=frozenset({agent.staff_id}), consulted_departments=frozenset({OPS})
    )
    assert may_view(agent, kept)
    assert may_view(back_office, kept)
    assert not may_view(StaffActor(20, Role.AGENT, department_id=OPS + 1), kept)


def test_reading_is_not_acting() -> None:
    case = scope(team=BILLING)
    assert may_work(agent, case)
    assert may_work(supervisor, case)
    assert not may_work(other_agent, case)
    assert not may_work(back_office, case)
    assert may_work(back_office, scope(team=None))  # untriaged: anyone may pick it up
    with pytest.raises(Forbidden, match="another team's"):
        check_work(other_agent, case, "reply on this case")
    # A previous owner or a consulted department reads, and still does not change.
    kept = scope(team=BILLING, restricted=True, previous_owners=frozenset({other_agent.staff_id}))
    assert may_view(other_agent, kept) and not may_work(other_agent, kept)
