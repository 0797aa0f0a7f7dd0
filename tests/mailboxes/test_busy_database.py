"""Intake under contention: a message that meets a busy database waits for the next round, never quarantine."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from sameside.db.engine import Database
from sameside.mail.blobs import BlobStore
from sameside.mail.models import InboundState
from sameside.mailboxes.filing import Intake
from sameside.staff.models import Routing, Team
from tests.factories import Factory
from tests.mailboxes.test_pipeline import SUPPORT, case_rows, message


def test_a_message_that_meets_a_locked_team_stays_received_and_is_filed_next_round(
    db: Database, tmp_path: Path, make: Factory
) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: routing never waits on another transaction's lock")
    team = make.team("support", email=SUPPORT)
    make.staff(team=team, password=None)
    with db.unit_of_work() as s:
        row = s.get(Team, team.id)
        assert row is not None
        row.routing = Routing.LEAST_LOADED
    # This worker gives up on a lock after 200 ms, as PostgreSQL does under deadlock or lock timeouts.
    impatient = Database(db.url.update_query_dict({"options": "-c lock_timeout=200"}).render_as_string(False))
    intake = Intake(impatient, BlobStore(tmp_path / "blobs"))
    received = intake.receive(message(), source="smtp", envelope_to=[SUPPORT])
    try:
        with db.engine.begin() as other:  # a colleague's transaction holds the team while routing
            other.execute(text("SELECT id FROM teams WHERE id = :id FOR UPDATE"), {"id": team.id})
            busy = intake.process_pending(limit=1)
        assert [(o.inbound_id, o.state) for o in busy] == [(received.inbound_id, InboundState.RECEIVED)]
        assert case_rows(db) == []

        [filed] = intake.process_pending()
        assert filed.state is InboundState.FILED and filed.new_case
        [case] = case_rows(db)
        assert case.owner_id is not None  # routed, once the team was free
    finally:
        impatient.dispose()
