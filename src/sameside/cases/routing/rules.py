"""Who in a team gets a new case, and why, in plain Python (P9, P14).

`cases.routing` loads the team, its people and their load, asks `choose`
and acts on the answer; nothing here touches a database, so every rule is a
unit test away.

The modes are the values of `staff.models.Routing`, spelled out here as
strings because that module is a table (and so imports the database layer):

- round robin: everyone with room in turn, by id, after the last one given a case;
- least loaded: whoever owns the fewest active cases; ties go round the circle;
- skill: people who speak the case's language and know its product first,
  least loaded among them; when nobody has both, the language alone, then
  the product alone, then anyone — and the reason says which.

Products are matched against case tags: a case is about a product when it
carries a tag equal to the product's name in lower case with spaces as
dashes ("Router X2" is the tag `router-x2`). Tags that name no product anyone
in the team knows are ordinary tags, not unknown products.

Nobody at or above `MAX_OPEN` active cases is given another: when everyone is
that full the case stays unowned in the team's queue for "take next", and
the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TAKE_NEXT = "take_next"
ROUND_ROBIN = "round_robin"
LEAST_LOADED = "least_loaded"
SKILL = "skill"
MODES = (TAKE_NEXT, ROUND_ROBIN, LEAST_LOADED, SKILL)

LABELS = {
    TAKE_NEXT: "Take next",
    ROUND_ROBIN: "Round robin",
    LEAST_LOADED: "Least loaded",
    SKILL: "By skill (language, product)",
}

EXPLAIN = {
    TAKE_NEXT: "Nobody is assigned: each agent presses “Take next” and gets the case the fair queue puts first.",
    ROUND_ROBIN: "New cases go to each member in turn, skipping anyone with {max_open} or more open cases.",
    LEAST_LOADED: "New cases go to the member with the fewest open cases; a tie goes to whoever is next in turn.",
    SKILL: (
        "New cases go to a member who speaks the customer's language and knows the product (a case tag), "
        "least loaded first; when nobody does, the language alone, then the product, then anyone least loaded."
    ),
}
"""One sentence per mode, for the team page and the API's readers."""

MAX_OPEN = 25
"""Someone who already owns this many active cases is given no more by routing (take next still serves them)."""


@dataclass(frozen=True)
class Candidate:
    """A member of the team as routing sees them: plain values, no rows."""

    id: int
    languages: tuple[str, ...] = ()
    """Primary language tags, lower case (`de`, not `de-CH`)."""
    products: tuple[str, ...] = ()
    """Product names as entered; compared as tags (see `product_tag`)."""
    load: int = 0
    """Active cases they own (new, open, waiting on internal)."""
    active: bool = True


@dataclass(frozen=True)
class Choice:
    """Who gets the case (None: nobody, it waits for take next) and why, in words for the timeline."""

    staff_id: int | None
    why: str


def product_tag(product: str) -> str:
    """The case tag that names a product: `Router X2` → `router-x2`."""
    return "-".join(product.lower().split())


def explain(mode: str, *, max_open: int = MAX_OPEN) -> str:
    return EXPLAIN.get(mode, "").format(max_open=max_open)


def choose(
    mode: str,
    agents: Iterable[Candidate],
    *,
    language: str | None = None,
    tags: Iterable[str] = (),
    last_id: int | None = None,
    team: str = "the team",
    max_open: int = MAX_OPEN,
) -> Choice:
    """Pick the owner of a new case in a team routed by `mode`.

    `last_id` is round robin's place in the circle (the last person given a
    case); it also breaks ties in the other modes, so equal loads take turns
    instead of always landing on the lowest id.
    """
    if mode == TAKE_NEXT:
        return Choice(None, "take next: agents pick cases from the queue")
    if mode not in MODES:
        raise ValueError(f"unknown routing mode {mode!r}")
    people = sorted((a for a in agents if a.active), key=lambda a: a.id)
    if not people:
        return Choice(None, f"nobody active in {team}; left in the queue for take next")
    room = [a for a in people if a.load < max_open]
    if not room:
        return Choice(None, f"everyone in {team} has {max_open} or more open cases; left in the queue for take next")

    if mode == ROUND_ROBIN:
        chosen = min(room, key=lambda a: _turn(a, last_id))
        full = len(people) - len(room)
        return Choice(chosen.id, f"round robin: next in turn of {len(people)}" + (f", {full} full" if full else ""))
    if mode == LEAST_LOADED:
        chosen = _lightest(room, last_id)
        return Choice(chosen.id, _least(len(room), chosen.load))
    return _by_skill(people, room, language=language, tags=tags, team=team, last_id=last_id)


def _turn(agent: Candidate, last_id: int | None) -> tuple[bool, int]:
    """The circle by id, starting just after the last one given a case."""
    return (last_id is not None and agent.id <= last_id, agent.id)


def _lightest(group: Sequence[Candidate], last_id: int | None) -> Candidate:
    return min(group, key=lambda a: (a.load, _turn(a, last_id)))


def _by_skill(
    people: Sequence[Candidate],
    room: Sequence[Candidate],
    *,
    language: str | None,
    tags: Iterable[str],
    team: str,
    last_id: int | None,
) -> Choice:
    known = {product_tag(p) for a in people for p in a.products}
    products = sorted({t.lower() for t in tags} & known)

    def speaks(a: Candidate) -> bool:
        return language is not None and language in a.languages

    def knows(a: Candidate) -> bool:
        return any(product_tag(p) in products for p in a.products)

    # The skills wanted, best first; the customer's language (P14) matters more than product knowledge.
    wanted: list[tuple[str, list[Candidate]]] = []
    product_words = f"knows {' or '.join(products)}"
    if language and products:
        wanted.append((f"speaks {language}, {product_words}", [a for a in people if speaks(a) and knows(a)]))
    if language:
        wanted.append((f"speaks {language}", [a for a in people if speaks(a)]))
    if products:
        wanted.append((product_words, [a for a in people if knows(a)]))
    if not wanted:
        chosen = _lightest(room, last_id)
        return Choice(chosen.id, "no language or product to match; " + _least(len(room), chosen.load))

    with_room = {a.id for a in room}
    for words, skilled in wanted:
        fit = [a for a in skilled if a.id in with_room]
        if fit:
            chosen = _lightest(fit, last_id)
            why = f"{words}; {_least(len(fit), chosen.load)}"
            if words != wanted[0][0]:
                why = f"{_missing(wanted[0], team)}; {why}"
            return Choice(chosen.id, why)
    chosen = _lightest(room, last_id)
    return Choice(chosen.id, f"{_missing(wanted[0], team)}; {_least(len(room), chosen.load)}")


def _missing(best: tuple[str, list[Candidate]], team: str) -> str:
    """Why the best skill could not be served: nobody has it, or everyone who has it is full."""
    words, skilled = best
    if skilled:
        return f"everyone in {team} who {words.replace(', ', ' and ')} is full"
    return f"nobody in {team} {words.replace(', ', ' and ')}"


def _least(count: int, load: int) -> str:
    cases = f"{load} open case" + ("" if load == 1 else "s")
    return f"least loaded of {count}: {cases}" if count > 1 else f"the only one with room: {cases}"
