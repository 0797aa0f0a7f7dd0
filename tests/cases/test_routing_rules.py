"""Who in a team gets a new case, and the reason given, as plain values (no database)."""

from __future__ import annotations

import pytest

from sameside.cases.routing.rules import (
    EXPLAIN,
    LEAST_LOADED,
    MAX_OPEN,
    MODES,
    ROUND_ROBIN,
    SKILL,
    TAKE_NEXT,
    Candidate,
    Choice,
    choose,
    explain,
    product_tag,
)
from sameside.staff.models import Routing


def agent(
    id: int, load: int = 0, languages: tuple[str, ...] = ("en",), products: tuple[str, ...] = (), **kw: bool
) -> Candidate:
    return Candidate(id=id, languages=languages, products=products, load=load, **kw)


def test_the_modes_are_the_teams_routing_values() -> None:
    assert set(MODES) == {r.value for r in Routing}
    assert set(EXPLAIN) == set(MODES)
    assert str(MAX_OPEN) in explain(ROUND_ROBIN)


def test_take_next_assigns_nobody() -> None:
    assert choose(TAKE_NEXT, [agent(1)]).staff_id is None


def test_an_unknown_mode_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unknown routing mode"):
        choose("lottery", [agent(1)])


# ---------------------------------------------------------------- round robin


def test_round_robin_goes_round_the_circle_by_id() -> None:
    team = [agent(7), agent(3), agent(5)]
    assert choose(ROUND_ROBIN, team).staff_id == 3  # nobody yet: the first
    assert choose(ROUND_ROBIN, team, last_id=3).staff_id == 5
    assert choose(ROUND_ROBIN, team, last_id=5).staff_id == 7
    assert choose(ROUND_ROBIN, team, last_id=7).staff_id == 3  # and round again
    assert choose(ROUND_ROBIN, team, last_id=4).staff_id == 5  # the last one left the team: the next after them


def test_round_robin_ignores_load_but_skips_the_full_and_the_inactive() -> None:
    team = [agent(1, load=9), agent(2, load=MAX_OPEN), agent(3, active=False), agent(4, load=20)]
    choice = choose(ROUND_ROBIN, team, last_id=1)
    assert choice == Choice(4, "round robin: next in turn of 3, 1 full")


# ---------------------------------------------------------------- least loaded


def test_least_loaded_picks_the_fewest_open_cases() -> None:
    choice = choose(LEAST_LOADED, [agent(1, load=4), agent(2, load=2), agent(3, load=5)])
    assert choice == Choice(2, "least loaded of 3: 2 open cases")


def test_least_loaded_ties_take_turns() -> None:
    team = [agent(1, load=1), agent(2, load=1), agent(3, load=1)]
    assert choose(LEAST_LOADED, team).staff_id == 1
    assert choose(LEAST_LOADED, team, last_id=1).staff_id == 2
    assert choose(LEAST_LOADED, team, last_id=3).staff_id == 1


def test_one_candidate_is_said_plainly() -> None:
    assert choose(LEAST_LOADED, [agent(1, load=1)]).why == "the only one with room: 1 open case"


def test_when_everyone_is_full_nobody_is_assigned_and_it_says_so() -> None:
    team = [agent(1, load=MAX_OPEN), agent(2, load=MAX_OPEN + 3)]
    for mode in (ROUND_ROBIN, LEAST_LOADED, SKILL):
        choice = choose(mode, team, team="Billing")
        assert choice.staff_id is None
        assert choice.why == f"everyone in Billing has {MAX_OPEN} or more open cases; left in the queue for take next"


def test_the_cap_can_be_set() -> None:
    assert choose(LEAST_LOADED, [agent(1, load=3)], max_open=3).staff_id is None
    assert choose(LEAST_LOADED, [agent(1, load=2)], max_open=3).staff_id == 1


def test_nobody_active_leaves_the_case_in_the_queue() -> None:
    choice = choose(LEAST_LOADED, [agent(1, active=False)], team="Billing")
    assert choice == Choice(None, "nobody active in Billing; left in the queue for take next")
    assert choose(SKILL, [], team="Billing").staff_id is None


# ---------------------------------------------------------------- skill


def test_skill_prefers_the_language_and_the_product_least_loaded_among_them() -> None:
    team = [
        agent(1, load=0, languages=("en",), products=("Router",)),
        agent(2, load=5, languages=("de", "en"), products=("Router",)),
        agent(3, load=2, languages=("de",), products=("Router", "Modem")),
        agent(4, load=0, languages=("de",)),
    ]
    choice = choose(SKILL, team, language="de", tags=["router", "urgent-ish"])
    assert choice == Choice(3, "speaks de, knows router; least loaded of 2: 2 open cases")


def test_skill_language_alone_when_nobody_has_both() -> None:
    team = [agent(1, languages=("en",), products=("Router",)), agent(2, load=3, languages=("de",))]
    choice = choose(SKILL, team, language="de", tags=["router"], team="Support")
    assert choice == Choice(
        2, "nobody in Support speaks de and knows router; speaks de; the only one with room: 3 open cases"
    )


def test_skill_product_alone_when_nobody_speaks_the_language() -> None:
    team = [agent(1, load=0, languages=("en",)), agent(2, load=4, languages=("en",), products=("Router X2",))]
    choice = choose(SKILL, team, language="fi", tags=["router-x2"], team="Support")
    assert choice.staff_id == 2
    assert choice.why.startswith("nobody in Support speaks fi and knows router-x2; knows router-x2;")


def test_skill_falls_back_to_least_loaded_of_all_and_says_so() -> None:
    team = [agent(1, load=3, languages=("en",)), agent(2, load=1, languages=("de",))]
    choice = choose(SKILL, team, language="fi", team="Billing")
    assert choice == Choice(2, "nobody in Billing speaks fi; least loaded of 2: 1 open case")


def test_skill_a_full_speaker_is_skipped_and_that_is_said() -> None:
    team = [agent(1, load=MAX_OPEN, languages=("fi",)), agent(2, load=4, languages=("en",))]
    choice = choose(SKILL, team, language="fi", team="Billing")
    assert choice == Choice(2, "everyone in Billing who speaks fi is full; the only one with room: 4 open cases")


def test_skill_without_language_or_product_is_least_loaded() -> None:
    team = [agent(1, load=2), agent(2, load=1)]
    choice = choose(SKILL, team, language=None, tags=["refund"])  # `refund` names no product anyone knows
    assert choice == Choice(2, "no language or product to match; least loaded of 2: 1 open case")


def test_skill_ties_take_turns() -> None:
    team = [agent(1, languages=("de",)), agent(2, languages=("de",)), agent(3, languages=("en",))]
    assert choose(SKILL, team, language="de").staff_id == 1
    assert choose(SKILL, team, language="de", last_id=1).staff_id == 2
    assert choose(SKILL, team, language="de", last_id=2).staff_id == 1


def test_products_match_tags_in_lower_case_with_dashes() -> None:
    assert product_tag("Router X2") == "router-x2"
    assert product_tag("  mesh   WiFi ") == "mesh-wifi"
    team = [agent(1, products=("Mesh WiFi",)), agent(2, load=0)]
    assert choose(SKILL, team, tags=["MESH-WIFI"], last_id=1).staff_id == 1
