"""`sameside init` stores the environment's business settings once; the admin centre owns them from then on."""

from __future__ import annotations

from pathlib import Path

from sameside.business import service as business
from sameside.db.engine import Database
from tests.cli.test_cli import Cli


def test_init_seeds_the_business_settings_from_the_environment_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    cli = Cli(tmp_path, url, tmp_path / "bytecode")
    cli.env |= {
        "SAMESIDE_SUPPORT_PHONE": "+44 20 7946 0018",
        "SAMESIDE_BUSINESS_HOURS": "Mon-Thu 08:00-16:00",
        "SAMESIDE_BUSINESS_TIMEZONE": "Europe/London",
        "SAMESIDE_REPLY_TARGET_HOURS": "6",
    }
    [first] = cli.together(("init",))
    assert first.code == 0, first.stderr
    assert "stored from the environment" in first.said

    cli.env["SAMESIDE_SUPPORT_PHONE"] = "+1 555 0100"
    [second] = cli.together(("init",))
    assert second.code == 0 and "stored from the environment" not in second.said

    database = Database(url)
    try:
        with database.unit_of_work(write=False) as s:
            now = business.current(s)
        assert now.stored and now.support_phone == "+44 20 7946 0018"  # the first init's, never overwritten
        assert (now.timezone, now.reply_target_hours) == ("Europe/London", 6)
        assert now.week == {d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu")}
    finally:
        database.dispose()
