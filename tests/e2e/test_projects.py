"""A coordinator updates a milestone; a member's open project page shows it live."""

from __future__ import annotations

import datetime as dt

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
    editor.wait_for_url(f"**/projects/{project.id}#milestone-{milestone.id}")

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
