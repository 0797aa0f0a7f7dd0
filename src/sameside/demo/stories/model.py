"""What a topic is: a kind of problem, the ways it goes, and the lines people say about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    """One way a topic's problem goes: the lines that belong together. Empty fields use the topic's."""

    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    exchanges: tuple[tuple[str, str], ...] = ()
    """(what the agent asks, what the customer answers)."""
    looking: tuple[str, ...] = ()
    handoffs: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    backoffice: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    """One kind of problem, with everything people say about it.

    Customer voice: subjects, openings, answers, relapses. Agent voice (to the
    customer): asks, looking, handoffs, fixes. Internal: internal (agent to
    back office), backoffice (the back office's answer, as a note).
    """

    key: str
    team: str
    department: str
    tags: tuple[str, ...]
    priority: tuple[float, float, float, float]
    """Weights of low, normal, high, urgent."""
    stories: tuple[Story, ...]
    exchanges: tuple[tuple[str, str], ...] = ()
    looking: tuple[str, ...] = ()
    handoffs: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    backoffice: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()
    relapses: tuple[str, ...] = ()
    extra_tags: tuple[str, ...] = ()
    business: bool = False
    """More likely to come from a customer of an organization."""

    def lines(self, story: Story) -> Lines:
        return Lines(
            subjects=story.subjects,
            openings=story.openings,
            exchanges=story.exchanges or self.exchanges,
            looking=story.looking or self.looking,
            handoffs=story.handoffs or self.handoffs,
            internal=story.internal or self.internal,
            backoffice=story.backoffice or self.backoffice,
            fixes=story.fixes or self.fixes,
            relapses=self.relapses,
        )


@dataclass(frozen=True)
class Lines:
    """What is said on one case: a story with the topic's defaults filled in."""

    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    exchanges: tuple[tuple[str, str], ...]
    looking: tuple[str, ...]
    handoffs: tuple[str, ...]
    internal: tuple[str, ...]
    backoffice: tuple[str, ...]
    fixes: tuple[str, ...]
    relapses: tuple[str, ...]
