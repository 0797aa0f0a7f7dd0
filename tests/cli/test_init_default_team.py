"""`sameside init --default-team`: every case has a home from the first day."""

from __future__ import annotations

from pathlib import Path

from sameside.cases.routing import homes
from sameside.db.engine import Database
from tests.cli.test_cli import Cli


def test_init_stores_the_default_team_making_it_if_need_be_and_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    cli = Cli(tmp_path, url, tmp_path / "bytecode")

    [bare] = cli.together(("init",))
    assert bare.code == 0
    assert "No default team" in bare.said and "--default-team" in bare.said

    [named] = cli.together(("init", "--default-team", "front-line"))
    assert named.code == 0, named.stderr
    assert "New cases with no team of their own go to Front line (front-line)." in named.said

    cli.env["SAMESIDE_DEFAULT_TEAM"] = "Not A Slug"
    [bad] = cli.together(("init",))
    assert bad.code == 1 and "not a valid slug" in bad.said

    database = Database(url)
    try:
        with database.unit_of_work(write=False) as s:
            assert homes.homes(s)[homes.DEFAULT].slug == "front-line"
    finally:
        database.dispose()
