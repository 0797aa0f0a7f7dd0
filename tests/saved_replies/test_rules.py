"""Saved replies' placeholders and rules, without a database: refused when saved, certain when sent."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from sameside.cases.rules import CaseStatus, Priority
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.saved_replies import placeholders, rules

VALUES = placeholders.SAMPLE


def test_placeholders_are_filled_from_the_case() -> None:
    text = (
        "Dear {{ customer.form_of_address }},\n\nCase #{{ case.number }} is with {{ team.name }}; "
        "we answer {{ team.typical_wait }}.\n\n{{ agent.first_name | upper }}"
    )
    rules.clean_body(text)
    assert placeholders.render(text, VALUES) == (
        "Dear Ms Silva,\n\nCase #1042 is with Support; we answer within 3 hours.\n\nDANA"
    )


def test_an_if_chooses_words_inline() -> None:
    text = "{% if customer.form_of_address %}Dear {{ customer.form_of_address }},{% else %}Hello,{% endif %}\nThanks."
    rules.clean_body(text)
    assert placeholders.render(text, VALUES) == "Dear Ms Silva,\nThanks."
    empty = {**VALUES, "customer": {**VALUES["customer"], "form_of_address": ""}}
    assert placeholders.render(text, empty) == "Hello,\nThanks."


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Hi {{ customer.nickname }}", "{{ customer.nickname }} is not a placeholder we know"),
        ("Hi {{ client.name }}", "{{ client }} is not a placeholder we know"),
        ("Hi {{ customer }}", "{{ customer }} needs a detail, such as {{ customer.name }}"),
        ("Hi {{ customer.name.upper }}", "{{ customer.name.upper }} is not a placeholder we know"),
        ("Hi {{ customer.name", "do not read right on line 1"),
        ("{% for x in customer %}{% endfor %}", "{% for %} is not allowed"),
        ("{% set x = 1 %}", "{% set %} is not allowed"),
        ("{{ customer.name | format('%s') }}", "The filter “format” is not allowed"),
        ("{{ customer['name'] }}", "[…] lookups is not allowed"),
        ("{{ cycler() }}", "calling a function is not allowed"),
        ("{{ ''.__class__ }}", "Only placeholders such as {{ customer.name }} may be looked into"),
        ("{{ 'a' * 99999999 }}", "is not allowed"),
    ],
)
def test_anything_but_known_placeholders_is_refused_when_saved_naming_it(text: str, says: str) -> None:
    with pytest.raises(Invalid) as refused:
        rules.clean_body(text)
    assert says in refused.value.detail


def test_the_unknown_placeholder_message_lists_the_known_ones() -> None:
    with pytest.raises(Invalid) as refused:
        rules.clean_body("{{ agent.email }}")
    assert "Use one of: {{ customer.name }}" in refused.value.detail
    assert "{{ team.typical_wait }}" in refused.value.detail


def test_the_sandbox_refuses_an_objects_insides_even_unchecked() -> None:
    # Rendering never trusts that `check` ran: the sandbox stops the classic escape, as a clear refusal.
    with pytest.raises(Invalid, match="reaches for something it may not"):
        placeholders.render("{{ ''.__class__.__mro__[1].__subclasses__() }}", VALUES)
    with pytest.raises(SecurityError):
        SandboxedEnvironment().from_string("{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(Invalid, match="cannot be filled in"):
        placeholders.render("{{ customer.nickname }}", VALUES)


def test_actions_are_checked() -> None:
    actions = rules.clean_actions(CaseStatus.RESOLVED, Priority.HIGH, ["Refund", "refund", " late "])
    assert actions == rules.Actions(CaseStatus.RESOLVED, Priority.HIGH, ("refund", "late"))
    with pytest.raises(Invalid, match="not closed"):
        rules.clean_actions(CaseStatus.CLOSED, None, None)
    with pytest.raises(Invalid, match="not a valid tag"):
        rules.clean_actions(None, None, ["two words"])
    assert not rules.clean_actions(None, None, []).any


def test_shared_replies_are_kept_by_supervisors_and_a_personal_one_by_its_owner() -> None:
    agent = StaffActor(1, Role.AGENT, team_id=1)
    supervisor = StaffActor(2, Role.SUPERVISOR, team_id=1)
    with pytest.raises(Forbidden, match="supervisors and admins"):
        rules.check_may_keep(agent, shared=True, owner_id=None)
    rules.check_may_keep(supervisor, shared=True, owner_id=None)
    rules.check_may_keep(agent, shared=False, owner_id=1)
    with pytest.raises(Forbidden, match="someone else's"):
        rules.check_may_keep(supervisor, shared=False, owner_id=1)


def test_a_signature_goes_under_once() -> None:
    assert rules.signed("Thanks!\n", "Dana\nAcme Support") == "Thanks!\n\nDana\nAcme Support"
    assert rules.signed("Thanks!\n\nDana\nAcme Support", "Dana\nAcme Support") == "Thanks!\n\nDana\nAcme Support"
    assert rules.signed("Thanks!", None) == "Thanks!"
    assert rules.clean_signature("  Dana  \r\n Acme   \n") == "Dana\n Acme"
    assert rules.clean_signature("   ") is None
    with pytest.raises(Invalid):
        rules.clean_signature("x" * 1001)


def test_without_javascript_a_saved_reply_goes_after_the_draft() -> None:
    assert rules.insert("", "Hello") == "Hello"
    assert rules.insert("Thanks for waiting.  \n", "Hello") == "Thanks for waiting.\n\nHello"
