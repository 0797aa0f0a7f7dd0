"""What the fairness report looks like on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from sameside.customers.rules import Tier


class TierWaitsOut(BaseModel):
    tier: Tier
    cases: int = Field(description="Cases opened in the period (answered, or still waiting).")
    still_waiting: int = Field(description="Of those, how many have had no human reply yet.")
    median_minutes: float | None = Field(description="Median wait for a first human reply; null below 5 cases.")
    p90_minutes: float | None
    ratio_to_standard: float | None = Field(description="This tier's median over the standard tier's; 1.0 is parity.")


class ParityOut(BaseModel):
    since: datetime
    until: datetime
    team_id: int | None
    tier_cap_minutes: int = Field(description="The largest head start a tier may have in the queue.")
    tiers: list[TierWaitsOut]
    widest_gap_minutes: float | None
    p90_ratio: float | None = Field(
        description="Wait-time parity: the slowest tier's 90th percentile over the fastest tier's; 1.0 is parity."
    )
    within_bound: bool | None = Field(
        description="No tier is served faster than standard by more than the head start allows; null if unknown."
    )
