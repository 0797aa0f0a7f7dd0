"""Reading offers for the figures: how many were made, chosen, countered, expired."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.offers.models import Offer
from sameside.offers.rules import OfferState


def outcomes(session: Session, start: datetime, end: datetime) -> dict[OfferState, int]:
    """Offers made in [start, end), counted by what became of them (every state present, zero or not)."""
    counted = dict(
        session.execute(
            select(Offer.state, func.count()).where(Offer.made_at >= start, Offer.made_at < end).group_by(Offer.state)
        ).all()
    )
    return {state: int(counted.get(state, 0)) for state in OfferState}
