"""The schema as migrated is the schema the code expects, on both backends; SQLite is set up for safe concurrency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import IntegrityError, StatementError

import sameside.auth.models
import sameside.cases.models
import sameside.customers.models
import sameside.jobs.models
import sameside.staff.models  # noqa: F401  (every table on Base.metadata)
from sameside.customers import service as customers
from sameside.customers.models import Customer, CustomerIdentity, Organization
from sameside.customers.rules import IdentityKind
from sameside.db import migrate
from sameside.db.base import Base
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import SystemActor

SYSTEM = SystemActor("tests")


def schema_differences(database: Database) -> list[object]:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True, "include_name": migrate.include_name}
        )
        return list(compare_metadata(context, Base.metadata))


def head(database: Database) -> str | None:
    return ScriptDirectory.from_config(migrate.alembic_config(database)).get_current_head()


def test_the_migrated_schema_matches_the_models(database: Database) -> None:
    assert schema_differences(database) == []
    assert migrate.current_revision(database) == head(database)
    tables = set(inspect(database.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_running_the_migrations_again_changes_nothing_and_keeps_the_data(db: Database) -> None:
    with db.unit_of_work() as s:
        customer, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="ana@example.com")
    before = inspect(db.engine)
    indexes = {t: sorted(i["name"] or "" for i in before.get_indexes(t)) for t in before.get_table_names()}

    migrate.upgrade(db)
    migrate.upgrade(db)

    assert migrate.current_revision(db) == head(db)
    after = inspect(db.engine)
    assert {t: sorted(i["name"] or "" for i in after.get_indexes(t)) for t in after.get_table_names()} == indexes
    assert schema_differences(db) == []
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Customer.name).where(Customer.id == customer.id)) == "ana"


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.unit_of_work() as s:
        s.add(CustomerIdentity(customer_id=424242, kind=IdentityKind.EMAIL, value="ghost@example.com"))
        s.flush()
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(CustomerIdentity.id)) is None


def test_deleting_a_customer_cascades_to_their_identities(db: Database) -> None:
    with db.unit_of_work() as s:
        customer, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="ana@example.com")
    with db.unit_of_work() as s:
        s.execute(delete(Customer).where(Customer.id == customer.id))
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(CustomerIdentity.id)) is None


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on_every_connection(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    try:
        migrate.upgrade(database)
        with database.engine.connect() as first, database.engine.connect() as second:
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        database.dispose()


def _created_at(database: Database, org_id: int) -> datetime:
    with database.unit_of_work(write=False) as s:
        value = s.scalar(select(Organization.created_at).where(Organization.id == org_id))
    assert value is not None
    return value


def test_datetimes_come_back_as_the_same_instant_in_aware_utc(db: Database) -> None:
    moments = [
        datetime(2024, 3, 31, 3, 30, 0, 123456, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2024, 7, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2025, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2024, 12, 31, 18, 0, tzinfo=ZoneInfo("Pacific/Kiritimati")),  # +14:00
    ]
    ids = []
    for n, moment in enumerate(moments):
        with clock.frozen(moment), db.unit_of_work() as s:
            ids.append(customers.create_organization(s, SYSTEM, name=f"Org {n}").id)
    for org_id, moment in zip(ids, moments, strict=True):
        back = _created_at(db, org_id)
        assert back == moment
        assert back.tzinfo is not None
        assert back.utcoffset() == timedelta(0)
        assert back.microsecond == moment.microsecond


def test_the_two_half_past_twos_of_a_dst_change_stay_two_instants_in_order(db: Database) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2024, 10, 27, 2, 30, tzinfo=berlin, fold=0)  # 00:30 UTC
    second = datetime(2024, 10, 27, 2, 30, tzinfo=berlin, fold=1)  # 01:30 UTC
    # Created in the opposite order, so id order and time order disagree.
    with clock.frozen(second), db.unit_of_work() as s:
        later = customers.create_organization(s, SYSTEM, name="later").id
    with clock.frozen(first), db.unit_of_work() as s:
        earlier = customers.create_organization(s, SYSTEM, name="earlier").id

    assert _created_at(db, earlier) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert _created_at(db, later) == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)
    with db.unit_of_work(write=False) as s:
        assert list(s.scalars(select(Organization.name).order_by(Organization.created_at))) == ["earlier", "later"]
        # A bound value in any zone compares as the instant it is.
        cutoff = datetime(2024, 10, 27, 1, 0, tzinfo=timezone(timedelta(hours=-3)))  # 04:00 UTC
        assert s.scalar(select(Organization.name).where(Organization.created_at > cutoff)) is None
        cutoff = datetime(2024, 10, 27, 2, 45, tzinfo=berlin, fold=0)  # 00:45 UTC
        assert list(s.scalars(select(Organization.name).where(Organization.created_at > cutoff))) == ["later"]


def test_a_naive_datetime_is_refused_on_the_way_in(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.unit_of_work() as s:
        s.add(Organization(name="Naive", created_at=datetime(2024, 1, 1, 12, 0)))  # noqa: DTZ001
        s.flush()
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Organization.id)) is None
