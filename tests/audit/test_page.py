"""`/desk/admin/audit`: admins read each change with its before and after; everyone else is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.web.audit import PAGE
from tests.factories import Factory
from tests.web.test_desk import signed_in


def test_an_admin_sees_a_change_made_at_the_desk_with_before_and_after(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team(name="Support")
    admin = make.staff(Role.ADMIN, password=None)
    csrf = signed_in(client, db, admin)
    assert client.get("/desk/admin/audit").text.count('class="audit-entry"') == 0

    saved = client.post(f"/desk/team/{team.id}/routing", data={"csrf": csrf, "routing": "round_robin"})
    assert saved.status_code < 400

    page = client.get("/desk/admin/audit")
    assert page.status_code == 200, page.text
    assert page.text.count('class="audit-entry"') == 1
    assert f"teams {team.id}" in page.text
    assert "<del>take_next</del>" in page.text and "<ins>round_robin</ins>" in page.text
    assert "the desk" in page.text and "testclient" in page.text


def test_filters_narrow_the_list_and_keep_what_was_asked(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team(name="Support")
    admin = make.staff(Role.ADMIN, password=None)
    for name in ("One", "Two"):
        assert client.patch(f"/api/v1/teams/{team.id}", headers=admin.headers, json={"name": name}).is_success
    signed_in(client, db, admin)

    teams = client.get(f"/desk/admin/audit?entity=teams&entity_id={team.id}&action=changed")
    assert teams.text.count('class="audit-entry"') == 2
    assert '<option value="teams" selected>' in teams.text
    assert client.get("/desk/admin/audit?entity=staff").text.count('class="audit-entry"') == 0
    assert "No change fits these filters." in client.get("/desk/admin/audit?action=deleted").text

    first = client.get("/desk/admin/audit?entity=teams&since=2000-01-01&until=2999-12-31")
    assert first.text.count('class="audit-entry"') == 2
    assert client.get("/desk/admin/audit?until=2000-01-01").text.count('class="audit-entry"') == 0


def test_the_list_pages_to_older_changes(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team(name="Support")
    admin = make.staff(Role.ADMIN, password=None)
    for n in range(PAGE + 2):
        assert client.patch(f"/api/v1/teams/{team.id}", headers=admin.headers, json={"name": f"N{n}"}).is_success
    signed_in(client, db, admin)

    first = client.get("/desk/admin/audit")
    assert first.text.count('class="audit-entry"') == PAGE and f"<ins>N{PAGE + 1}</ins>" in first.text
    older = first.text.split('<a class="button" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = client.get(older)
    assert second.text.count('class="audit-entry"') == 2 and "<ins>N1</ins>" in second.text
    assert "Older changes" not in second.text


def test_nonsense_in_a_filter_is_said_on_the_page_not_a_500(client: TestClient, make: Factory, db: Database) -> None:
    signed_in(client, db, make.staff(Role.ADMIN, password=None))
    for query, words in (
        ("since=yesterday", "is not a date"),
        ("case=abc", "is not a number"),
        ("entity=passwords", "no kind of thing"),
        ("entity_id=4", "needs its entity"),
        ("action=edited", "action must be one of"),
        ("cursor=nonsense", "not one this server issued"),
    ):
        answer = client.get(f"/desk/admin/audit?{query}")
        assert answer.status_code == 400 and words in answer.text, (query, answer.status_code)
        assert 'role="alert"' in answer.text


def test_only_admins_open_the_page(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    for role in (Role.AGENT, Role.SUPERVISOR):
        signed_in(client, db, make.staff(role, team=team, password=None))
        refused = client.get("/desk/admin/audit")
        assert refused.status_code == 403 and "for admins" in refused.text
    client.cookies.clear()
    assert client.get("/desk/admin/audit", follow_redirects=False).status_code in (302, 303, 401)


def test_one_step_shows_as_one_entry_with_each_row_it_wrote(client: TestClient, make: Factory, db: Database) -> None:
    """An agent's reply writes the case, its timeline and its mail: the admin reads one step, not a heap of rows."""
    team = make.team(name="Support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=agent, subject="Broken zip").id
    answered = client.post(
        f"/api/v1/cases/{number}/replies", headers=agent.headers, json={"body": "A new one is on its way."}
    )
    assert answered.status_code == 201, answered.text
    signed_in(client, db, make.staff(Role.ADMIN, password=None))

    page = client.get("/desk/admin/audit").text
    assert page.count('class="audit-step"') == 1
    assert page.count('class="audit-entry"') >= 2  # the reply's own rows, each with its before and after
    summary = page.split('<ul class="audit-summary">', 1)[1].split("</ul>", 1)[0]
    assert f"changed cases {number} on case #{number}" in summary
    assert "created timeline entries" in summary
