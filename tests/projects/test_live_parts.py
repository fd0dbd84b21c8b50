"""The project page's live parts (GET /projects/<id>/live): what projects.js puts in place
after a push, drawn by the same partials as the page, for this reader."""

from __future__ import annotations

import re
from typing import Any

from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory

#: a form's CSRF token is signed with the second it was made: equal markup, other token
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _unsigned(html: str) -> str:
    return CSRF.sub('name="csrf_token"', html)


def test_live_parts_are_the_pages_own_markup(logged_in: Any, world: Any) -> None:
    project = ProjectFactory(title="Caravane", visibility="members", associations=[world.a])
    done = MilestoneFactory(project=project, title="Convention", status="done", weight=1)
    MilestoneFactory(project=project, title="Bilan", weight=1)
    ActivityFactory(project=project, title="Atelier santé", location="Azrou")
    coordinator = logged_in(world.coordinator)
    answer = coordinator.get(f"/projects/{project.id}/live")
    assert answer.status_code == 200
    data = answer.json
    assert data["progress"] == 50
    assert set(data["parts"]) == {"timeline", "milestones", "activities"}
    milestones = data["parts"]["milestones"]
    assert f'id="milestone-{done.id}"' in milestones and "Bilan" in milestones
    assert 'class="milestone-form"' in milestones  # a coordinator may update them
    assert "Atelier santé" in data["parts"]["activities"]
    assert 'data-kind="milestone"' in data["parts"]["timeline"]
    page = _unsigned(coordinator.get(f"/projects/{project.id}").get_data(as_text=True))
    for part in data["parts"].values():
        assert _unsigned(part).strip() in page


def test_a_member_gets_the_parts_without_forms(logged_in: Any, world: Any) -> None:
    project = ProjectFactory(visibility="members", associations=[world.a])
    MilestoneFactory(project=project, title="Convention")
    data = logged_in(world.member).get(f"/projects/{project.id}/live").json
    assert "Convention" in data["parts"]["milestones"]
    assert "<form" not in data["parts"]["milestones"]


def test_a_project_one_may_not_see_has_no_live_parts(
    logged_in: Any, client: Any, world: Any
) -> None:
    project = ProjectFactory(visibility="members", associations=[world.a])
    assert logged_in(world.outsider).get(f"/projects/{project.id}/live").status_code == 404
    assert client.get(f"/projects/{project.id}/live").status_code == 404
