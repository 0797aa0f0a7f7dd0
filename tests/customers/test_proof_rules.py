"""Whose address is it: which identities receive sign-in links, and what confirming a new one takes."""

from __future__ import annotations

import pytest

from sameside.customers.rules import (
    IdentityKind,
    Proof,
    confirmation_needs_sign_in,
    proof_of_added_identity,
    receives_sign_in_links,
    require_supervisor_to_vouch,
)
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden


def test_only_a_claimed_or_verified_email_address_receives_sign_in_links() -> None:
    assert receives_sign_in_links(IdentityKind.EMAIL, Proof.CLAIMED)
    assert receives_sign_in_links(IdentityKind.EMAIL, Proof.VERIFIED)
    assert not receives_sign_in_links(IdentityKind.EMAIL, Proof.PENDING)
    assert not receives_sign_in_links(IdentityKind.PHONE, Proof.VERIFIED)


def test_what_staff_add_is_pending_and_what_the_software_adds_is_claimed() -> None:
    assert proof_of_added_identity(StaffActor(1, Role.ADMIN)) is Proof.PENDING
    assert proof_of_added_identity(StaffActor(2, Role.AGENT)) is Proof.PENDING
    assert proof_of_added_identity(SystemActor("import")) is Proof.CLAIMED


@pytest.mark.parametrize(
    ("others", "needs"),
    [
        ([], False),  # nothing else: the round trip to the address is the proof
        ([Proof.PENDING], False),
        ([Proof.CLAIMED], True),  # a phone number they gave us counts too: a supervisor vouches then
        ([Proof.PENDING, Proof.VERIFIED], True),
    ],
)
def test_confirming_needs_the_customer_signed_in_when_they_have_a_proven_identity(
    others: list[Proof], needs: bool
) -> None:
    assert confirmation_needs_sign_in(others) is needs


def test_only_supervisors_and_admins_vouch() -> None:
    require_supervisor_to_vouch(StaffActor(1, Role.SUPERVISOR))
    require_supervisor_to_vouch(StaffActor(2, Role.ADMIN))
    for actor in (StaffActor(3, Role.AGENT), CustomerActor(4)):
        with pytest.raises(Forbidden, match="supervisor"):
            require_supervisor_to_vouch(actor)
