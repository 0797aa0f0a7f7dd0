"""Where new cases go, set from the admin centre over HTTP: only an admin may, and a refusal changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.cases.routing import homes
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.web.test_desk import signed_in


def _homes(db: Database) -> dict[str, str]:
    with db.unit_of_work(write=False) as s:
        return {channel: team.slug for channel, team in homes.homes(s).items()}


def test_an_admin_sets_every_channels_team_in_one_form(client: TestClient, db: Database, make: Factory) -> None:
    support, billing = make.team("support", name="Support"), make.team("billing", name="Billing")
    csrf = signed_in(client, db, make.staff(Role.ADMIN, password=None))
    form = {"csrf": csrf, "home-default": str(support.id), "home-portal": str(billing.id), "home-chat": ""}

    saved = client.post("/desk/admin/channels/homes", data=form)

    assert saved.status_code == 200 and "new cases go to the teams shown" in saved.text
    assert _homes(db) == {"default": "support", "portal": "billing"}


def test_a_supervisor_is_refused_and_nothing_changes(client: TestClient, db: Database, make: Factory) -> None:
    support = make.team("support", name="Support")
    csrf = signed_in(client, db, make.staff(Role.SUPERVISOR, team=support, password=None))

    refused = client.post("/desk/admin/channels/homes", data={"csrf": csrf, "home-portal": str(support.id)})

    assert refused.status_code == 403
    assert _homes(db) == {}


def test_a_team_that_is_not_a_number_is_refused_beside_the_form(
    client: TestClient, db: Database, make: Factory
) -> None:
    make.team("support", name="Support")
    csrf = signed_in(client, db, make.staff(Role.ADMIN, password=None))

    refused = client.post("/desk/admin/channels/homes", data={"csrf": csrf, "home-portal": "billing"})

    assert refused.status_code == 422 and "Choose a team from the list." in refused.text
    assert 'id="homes-error"' in refused.text
    assert _homes(db) == {}
