"""A coordinator updates a milestone; a member's open project page shows it live."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory


def test_milestone_update_appears_live_on_members_page(new_page, live_server):
    association = AssociationFactory(name="جمعية الأمل")
    partner = AssociationFactory(name="Association Atlas")
    member = UserFactory(display_name="Mina")
    coordinator = UserFactory(display_name="Karim")
    MembershipFactory(association=association, user=member, role="member")
    MembershipFactory(association=partner, user=coordinator, role="coordinator")
    project = ProjectFactory(
        title="Caravane médicale", visibility="members", associations=[association, partner]
    )
    today = dt.datetime.now(dt.UTC).date()
    milestone = MilestoneFactory(
        project=project,
        title="Convention",
        starts_on=today,
        due_on=today + dt.timedelta(days=30),
        weight=1,
    )
    MilestoneFactory(
        project=project, title="Bilan", starts_on=None, due_on=today + dt.timedelta(days=60)
    )

    watcher = new_page(member, locale="fr-FR")
    watcher.goto(f"/projects/{project.id}")
    item = watcher.locator(f"#milestone-{milestone.id}")
    expect(item.locator('[data-field="progress-text"]')).to_have_text("0%")
    expect(watcher.locator("article.project")).to_have_attribute("data-live", "on")
    # members cannot edit: no update form on their page
    expect(item.locator("form")).to_have_count(0)

    editor = new_page(coordinator, locale="fr-FR")
    editor.goto(f"/projects/{project.id}")
    editor_item = editor.locator(f"#milestone-{milestone.id}")
    editor_item.locator("summary").click()
    editor_item.locator("select[name=status]").select_option("done")
    editor_item.locator("form.milestone-form button[type=submit]").click()
    editor.wait_for_url(
        f"**/projects/{project.id}?saved=milestone-{milestone.id}#milestone-{milestone.id}"
    )
    # issue 13: the page opens at the milestone, its confirmation beside it, in view
    expect(editor_item.locator("[role=status]")).to_be_in_viewport()

    # the member's page, never reloaded, follows
    expect(item.locator('[data-field="progress-text"]')).to_have_text("100%")
    expect(item).to_have_class("milestone done live-updated")
    expect(watcher.locator("[data-project-progress-text]")).to_have_text("50%")
    # and so does its row of the timeline: the state's word and icon, the bar filled
    row = watcher.locator(f'tr[data-kind="milestone"][data-id="{milestone.id}"]')
    expect(row).to_have_class("tl-row tl-milestone is-done")
    expect(row.locator('[data-field="tl-status-text"]')).to_have_text("Terminé")
    expect(row.locator('[data-field="tl-status"] .bi')).to_have_class("bi bi-check-circle-fill")
    filled = row.evaluate(
        """(tr) => [...tr.querySelectorAll("rect.fill")].map((fill) => {
          const bar = fill.parentNode.querySelector("rect.bar");
          return Math.abs(parseFloat(fill.getAttribute("width"))
            - parseFloat(bar.getAttribute("width"))) < 0.05;
        })"""
    )
    assert filled and all(filled)


def test_live_refresh_brings_new_milestones_with_forms_and_keeps_an_open_one(new_page, api):
    association = AssociationFactory(name="جمعية الأمل")
    amina = UserFactory(display_name="أمينة")
    karim = UserFactory(display_name="Karim")
    MembershipFactory(association=association, user=amina, role="coordinator")
    MembershipFactory(association=association, user=karim, role="coordinator")
    project = ProjectFactory(title="Caravane", visibility="members", associations=[association])
    today = dt.datetime.now(dt.UTC).date()
    first = MilestoneFactory(project=project, title="Convention", due_on=today)

    page = new_page(amina, locale="ar")
    page.goto(f"/projects/{project.id}")
    expect(page.locator("article.project")).to_have_attribute("data-live", "on")
    # she starts updating the first milestone and has typed a figure, not saved yet
    item = page.locator(f"#milestone-{first.id}")
    item.locator("summary").click()
    item.locator("input[name=progress]").fill("40")

    added = api(karim).post(
        f"/api/v1/projects/{project.id}/milestones",
        json={"title": "Distribution", "due_on": (today + dt.timedelta(days=9)).isoformat()},
    )
    assert added.status_code == 201, added.json
    fresh = page.locator(f"#milestone-{added.json['id']}")
    # the new milestone arrives as the page draws it: in Arabic, with her update form
    expect(fresh).to_have_class(re.compile(r"\blive-updated\b"))
    expect(fresh.locator("details.edit summary")).to_have_text("تحديث")
    expect(page.locator(f'tr[data-kind="milestone"][data-id="{added.json["id"]}"]')).to_have_count(
        1
    )
    # and what she was typing is still there, open
    expect(item.locator("details.edit")).to_have_attribute("open", "")
    expect(item.locator("input[name=progress]")).to_have_value("40")
