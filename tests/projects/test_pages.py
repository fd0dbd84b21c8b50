"""Project pages, used as a browser would (session cookie, CSRF token, forms)."""

from __future__ import annotations

import datetime as dt
import re

from app.db import db
from projects.models import Activity, Milestone, Project, ProjectComment
from tests.conftest import count_statements, csrf_token
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory


def test_list_and_show_public_project_anonymously(client, world):
    project = ProjectFactory(
        title="Caravane médicale", visibility="public", associations=[world.a, world.b]
    )
    hidden = ProjectFactory(title="Secret plan", visibility="members", associations=[world.a])
    MilestoneFactory(project=project, title="Convention signée", status="done")
    ActivityFactory(project=project, title="Atelier santé", location="Azrou")
    listing = client.get("/projects").get_data(as_text=True)
    assert "Caravane médicale" in listing and "Secret plan" not in listing
    page = client.get(f"/projects/{project.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in (
        "Convention signée",
        "Atelier santé",
        "Azrou",
        "Association Al Amal",
        "جمعية النور",
    ):
        assert text in html
    assert "data-project-progress" in html and 'value="100"' in html
    assert "<form" not in html.split('id="milestones"')[1].split("</ol>")[0]  # no edit forms
    assert client.get(f"/projects/{hidden.id}").status_code == 404
    assert client.get("/projects/424242").status_code == 404


def test_member_sees_comment_form_but_no_edit_forms(logged_in, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    MilestoneFactory(project=project)
    html = logged_in(world.member).get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'action="/projects/{project.id}/comments#new-comment"' in html
    assert "/update" not in html and f'action="/projects/{project.id}/milestones"' not in html
    outsider = logged_in(world.outsider)
    assert outsider.get(f"/projects/{project.id}").status_code == 404


def test_coordinator_creates_project_through_the_form(logged_in, world):
    browser = logged_in(world.coordinator)
    form = browser.get("/projects/new").get_data(as_text=True)
    assert "Association Al Amal" in form and "Outsiders United" not in form
    token = csrf_token(browser, "/projects/new")
    response = browser.post(
        "/projects/new",
        data={
            "csrf_token": token,
            "title": "Lecture pour tous",
            "description": "",
            "association_ids": [str(world.a.id)],
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "visibility": "network",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    project = db.session.query(Project).filter_by(title="Lecture pour tous").one()
    assert project.visibility == "network" and project.association_ids == [world.a.id]


def test_new_project_page_offers_approved_associations_in_constant_queries(logged_in, app):
    """The associations a person may make own a project (approved ones where they are admin or
    coordinator) are read at once, not one query per membership."""
    person = UserFactory()
    browser = logged_in(person)

    def statements_for(count: int) -> tuple[int, int]:
        for i in range(count):
            role = ("admin", "coordinator")[i % 2]
            MembershipFactory(association=AssociationFactory(), user=person, role=role)
        db.session.commit()
        browser.get("/projects/new")  # caches warm
        counts = []
        for path in ("/projects/new", "/projects"):
            with count_statements() as statements:
                assert browser.get(path).status_code == 200
            counts.append(len(statements))
        return counts[0], counts[1]

    assert statements_for(1) == statements_for(5)
    pending = AssociationFactory(name="Pending Nadi", status="pending")
    suspended = AssociationFactory(name="Suspended Nadi", status="suspended")
    member_of = AssociationFactory(name="Member Nadi")
    MembershipFactory(association=pending, user=person, role="admin")
    MembershipFactory(association=suspended, user=person, role="admin")
    MembershipFactory(association=member_of, user=person, role="member")
    db.session.commit()
    form = browser.get("/projects/new").get_data(as_text=True)
    assert form.count('name="association_ids"') == 6
    assert "Nadi" not in form


def test_bad_project_form_is_rejected_with_a_message(logged_in, world):
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, "/projects/new")
    response = browser.post(
        "/projects/new",
        data={
            "csrf_token": token,
            "title": "Backwards",
            "association_ids": [str(world.a.id)],
            "starts_on": "2026-06-30",
            "ends_on": "2026-01-01",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # the reason stands beside the field it is about, which points at it; the input is kept
    assert re.search(r'<p class="field-error" id="p-end-error"><i [^>]*></i> [^<]+</p>', html)
    assert re.search(r'id="p-end"[^>]*aria-invalid="true" aria-describedby="p-end-error"', html)
    assert "flash-error" not in html and 'value="Backwards"' in html
    assert "p-title-error" not in html
    db.session.expire_all()
    assert db.session.query(Project).count() == 0


def test_project_form_shows_schema_errors_beside_their_fields(logged_in, world):
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, "/projects/new")
    response = browser.post(
        "/projects/new",
        data={"csrf_token": token, "title": "", "starts_on": "2026-06-30", "ends_on": "demain"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("p-title", "p-associations", "p-end"):
        beside = rf'<p class="field-error" id="{field}-error"><i [^>]*></i> [^<]+</p>'
        assert re.search(beside, html), field
    assert "p-start-error" not in html and "flash-error" not in html
    db.session.expire_all()
    assert db.session.query(Project).count() == 0


def test_form_without_csrf_is_refused(logged_in, world):
    browser = logged_in(world.coordinator)
    project = ProjectFactory(visibility="members", associations=[world.a])
    response = browser.post(
        f"/projects/{project.id}/milestones", data={"title": "x", "due_on": "2026-05-01"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.query(Milestone).count() == 0


def test_milestone_activity_and_comment_forms(logged_in, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    added = browser.post(
        f"/projects/{project.id}/milestones",
        data={"csrf_token": token, "title": "Formation", "due_on": "2026-05-01", "weight": "2"},
    )
    assert added.status_code == 303
    db.session.expire_all()
    milestone = db.session.query(Milestone).one()
    updated = browser.post(
        f"/milestones/{milestone.id}/update",
        data={
            "csrf_token": token,
            "status": "in_progress",
            "progress": "60",
            "due_on": "2026-05-01",
        },
    )
    assert updated.status_code == 303
    bad = browser.post(
        f"/milestones/{milestone.id}/update",
        data={"csrf_token": token, "progress": "160"},
        follow_redirects=True,
    )
    assert "progress" in bad.get_data(as_text=True)
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone.id)
    assert (milestone.status, milestone.progress) == ("in_progress", 60)

    scheduled = browser.post(
        f"/projects/{project.id}/activities",
        data={
            "csrf_token": token,
            "title": "Atelier",
            "starts_at": "2026-04-10T09:00",
            "ends_at": "2026-04-10T11:30",
            "location": "Oujda",
            "milestone_id": str(milestone.id),
        },
    )
    assert scheduled.status_code == 303
    db.session.expire_all()
    activity = db.session.query(Activity).one()
    # typed in the reader's zone (Africa/Casablanca, UTC+1 in April)
    assert activity.starts_at == dt.datetime(2026, 4, 10, 8, 0, tzinfo=dt.UTC)
    assert activity.milestone_id == milestone.id

    member = logged_in(world.member)
    mtoken = csrf_token(member, f"/projects/{project.id}")
    commented = member.post(
        f"/projects/{project.id}/comments", data={"csrf_token": mtoken, "body": "On est prêts !"}
    )
    assert commented.status_code == 303
    assert db.session.query(ProjectComment).count() == 1
    denied = member.post(
        f"/milestones/{milestone.id}/update", data={"csrf_token": mtoken, "progress": "90"}
    )
    assert denied.status_code == 403

    page = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "On est prêts !" in page and "Formation" in page and "Oujda" in page
    # the recent history on the page, as sentences naming the milestone
    assert "نسبة إنجاز «<bdi>Formation</bdi>» صارت" in page
    assert not re.search(r"milestone #\d+", page)

    deleted = browser.post(f"/activities/{activity.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    gone = browser.post(f"/milestones/{milestone.id}/delete", data={"csrf_token": token})
    assert gone.status_code == 303
    db.session.expire_all()
    assert db.session.query(Milestone).count() == 0 and db.session.query(Activity).count() == 0


def test_month_calendar_and_history_pages(client, world):
    project = ProjectFactory(visibility="public", associations=[world.a])
    ActivityFactory(
        project=project,
        title="Caravane Imlil",
        starts_at=dt.datetime(2026, 5, 2, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 5, 3, 17, 0, tzinfo=dt.UTC),
    )
    MilestoneFactory(project=project, title="Bilan", due_on=dt.date(2026, 5, 20))
    html = client.get(f"/projects/{project.id}/calendar?month=2026-05").get_data(as_text=True)
    cells = re.findall(r'data-date="(2026-05-\d\d)">(.*?)</td>', html, re.S)
    by_day = dict(cells)
    assert len(by_day) == 31
    assert "Caravane Imlil" in by_day["2026-05-02"] and "Caravane Imlil" in by_day["2026-05-03"]
    assert "Bilan" in by_day["2026-05-20"]
    assert "Caravane Imlil" not in by_day["2026-05-04"]
    assert "month=2026-04" in html and "month=2026-06" in html
    assert client.get(f"/projects/{project.id}/history").status_code == 200


def test_personal_calendar_feed_page(logged_in, world):
    browser = logged_in(world.member)
    token = csrf_token(browser, "/projects/calendar-feed")
    html = browser.post(
        "/projects/calendar-feed", data={"csrf_token": token, "action": "regenerate"}
    ).get_data(as_text=True)
    url = re.search(r'value="(http://localhost/api/v1/calendar/[^"]+\.ics)"', html).group(1)
    assert browser.get(url.removeprefix("http://localhost")).status_code == 200
    browser.post("/projects/calendar-feed", data={"csrf_token": token, "action": "revoke"})
    assert browser.get(url.removeprefix("http://localhost")).status_code == 404


def test_edit_project_form(logged_in, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    response = browser.post(
        f"/projects/{project.id}/edit",
        data={
            "csrf_token": token,
            "title": "Nouveau titre",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "visibility": "public",
            "status": "completed",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert (project.title, project.visibility, project.status) == (
        "Nouveau titre",
        "public",
        "completed",
    )
    member = logged_in(world.member)
    denied = member.post(
        f"/projects/{project.id}/edit",
        data={"csrf_token": csrf_token(member, f"/projects/{project.id}"), "title": "x"},
    )
    assert denied.status_code == 403


def test_invitation_answered_and_leaving_on_the_project_page(logged_in, world):
    """Issue 15 #2 on the page: the invited association's admin accepts or declines there; an
    owner leaves by its own staff's button; the last owner has no leave button."""
    from projects.models import ProjectInvitation

    project = ProjectFactory(title="Invitation", visibility="members", associations=[world.a])
    db.session.add(ProjectInvitation(project_id=project.id, association_id=world.b.id))
    db.session.commit()
    coordinator = logged_in(world.coordinator)
    html = coordinator.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "جمعية النور" in html and f"/invitations/{world.b.id}" not in html
    assert f"/projects/{project.id}/leave" not in html  # A is the only owner
    token = csrf_token(coordinator, f"/projects/{project.id}")
    refused = coordinator.post(
        f"/projects/{project.id}/invitations/{world.b.id}",
        data={"csrf_token": token, "action": "accept"},
    )
    assert refused.status_code == 403  # sees the project, does not speak for B

    admin_b = logged_in(world.assoc_admin)
    html = admin_b.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'action="/projects/{project.id}/invitations/{world.b.id}"' in html
    assert f"/projects/{project.id}/edit" not in html
    token = csrf_token(admin_b, f"/projects/{project.id}")
    accepted = admin_b.post(
        f"/projects/{project.id}/invitations/{world.b.id}",
        data={"csrf_token": token, "action": "accept"},
    )
    assert accepted.status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, project.id).association_ids == [world.a.id, world.b.id]
    html = admin_b.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/{project.id}/edit" in html
    assert f'name="association_id" value="{world.b.id}"' in html  # B may leave
    assert f'name="association_id" value="{world.a.id}"' not in html  # but not make A leave
    forced = admin_b.post(
        f"/projects/{project.id}/leave", data={"csrf_token": token, "association_id": world.a.id}
    )
    assert forced.status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, project.id).association_ids == [world.a.id, world.b.id]
    left = admin_b.post(
        f"/projects/{project.id}/leave", data={"csrf_token": token, "association_id": world.b.id}
    )
    assert left.status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, project.id).association_ids == [world.a.id]
    assert admin_b.get(f"/projects/{project.id}").status_code == 404


def test_an_activity_that_took_place_links_to_its_report(logged_in, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    past = ActivityFactory(project=project, title="Caravane Tata")
    future = ActivityFactory(
        project=project,
        starts_at=dt.datetime(2099, 5, 2, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2099, 5, 2, 12, 0, tzinfo=dt.UTC),
    )
    db.session.commit()
    html = logged_in(world.coordinator).get(f"/projects/{project.id}").get_data(as_text=True)
    link = (
        f"/associations/{world.a.id}/library/reports/new?activity_id={past.id}"
        "&amp;title=Caravane+Tata&amp;held_on=2026-05-02"
    )
    assert link in html
    assert f"activity_id={future.id}" not in html  # not yet held
    member = logged_in(world.member).get(f"/projects/{project.id}").get_data(as_text=True)
    assert "/library/reports/new" not in member  # members read reports, staff write them
    form = logged_in(world.coordinator).get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="Caravane Tata"' in form and f'name="activity_id" value="{past.id}"' in form


def test_a_refused_milestone_shows_its_reasons_beside_the_fields_and_keeps_the_input(
    logged_in, world
):
    project = ProjectFactory(visibility="members", associations=[world.a])
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    page = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    # the form is sent to its own place on the page: a refusal shows it where the person was
    assert f'action="/projects/{project.id}/milestones#new-milestone"' in page
    refused = browser.post(
        f"/projects/{project.id}/milestones",
        data={
            "csrf_token": token,
            "title": "Formation des bénévoles",
            "description": "Deux jours",
            "starts_on": "2026-06-01",
            "due_on": "2026-05-01",
            "weight": "500",
        },
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    form = html.split('id="new-milestone"')[1].split("</details>")[0]
    assert form.startswith(" open") or "open" in form.split(">")[0]
    assert 'id="nm-weight-error"' in form and 'aria-describedby="nm-weight-error"' in form
    assert 'value="Formation des bénévoles"' in form and "Deux jours</textarea>" in form
    assert 'value="500"' in form and 'value="2026-06-01"' in form
    db.session.expire_all()
    assert db.session.query(Milestone).count() == 0

    # the service's refusal (due before the start) is shown beside its field too
    refused = browser.post(
        f"/projects/{project.id}/milestones",
        data={
            "csrf_token": token,
            "title": "Formation",
            "starts_on": "2026-06-01",
            "due_on": "2026-05-01",
        },
    )
    form = refused.get_data(as_text=True).split('id="new-milestone"')[1].split("</details>")[0]
    assert refused.status_code == 422 and 'id="nm-due-error"' in form
    assert db.session.query(Milestone).count() == 0


def test_a_refused_activity_shows_its_reasons_beside_the_fields_and_keeps_the_input(
    logged_in, world
):
    project = ProjectFactory(visibility="members", associations=[world.a])
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    page = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'action="/projects/{project.id}/activities#new-activity"' in page
    refused = browser.post(
        f"/projects/{project.id}/activities",
        data={
            "csrf_token": token,
            "title": "Atelier",
            "starts_at": "2026-04-10T09:00",
            "ends_at": "not a time",
            "location": "Oujda",
        },
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    form = html.split('id="new-activity"')[1].split("</details>")[0]
    assert 'id="na-end-error"' in form
    assert 'value="Atelier"' in form and 'value="Oujda"' in form
    assert 'value="2026-04-10T09:00"' in form
    assert db.session.query(Activity).count() == 0


def test_a_saved_milestone_lands_where_its_confirmation_is_read(logged_in, world):
    """Issue 13: after saving, the page opens at the milestone, and the confirmation is there."""
    project = ProjectFactory(visibility="members", associations=[world.a])
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    added = browser.post(
        f"/projects/{project.id}/milestones",
        data={"csrf_token": token, "title": "Formation", "due_on": "2026-05-01"},
    )
    milestone = db.session.query(Milestone).one()
    assert added.status_code == 303
    assert added.headers["Location"].endswith(f"#milestone-{milestone.id}")
    page = browser.get(added.headers["Location"]).get_data(as_text=True)
    item = page.split(f'id="milestone-{milestone.id}"')[1].split("</li>")[0]
    assert 'role="status"' in item


def test_a_refused_milestone_update_shows_the_reason_beside_the_field_in_place(logged_in, world):
    project = ProjectFactory(visibility="members", associations=[world.a])
    milestone = MilestoneFactory(project=project, progress=10)
    db.session.commit()
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    page = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'action="/milestones/{milestone.id}/update#milestone-{milestone.id}"' in page
    refused = browser.post(
        f"/milestones/{milestone.id}/update",
        data={"csrf_token": token, "status": "in_progress", "progress": "160"},
    )
    assert refused.status_code == 422
    item = refused.get_data(as_text=True).split(f'id="milestone-{milestone.id}"')[1]
    item = item.split("</details>")[0]
    assert '<details class="edit" open>' in item
    error_id = f"ms-progress-{milestone.id}-error"
    assert f'id="{error_id}"' in item and f'aria-describedby="{error_id}"' in item
    assert 'value="160"' in item and "someone else" not in item
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).progress == 10


def test_a_refused_project_edit_shows_the_reason_beside_the_field_in_place(logged_in, world):
    project = ProjectFactory(visibility="members", associations=[world.a], title="Caravane")
    browser = logged_in(world.coordinator)
    token = csrf_token(browser, f"/projects/{project.id}")
    refused = browser.post(
        f"/projects/{project.id}/edit",
        data={
            "csrf_token": token,
            "title": "Caravane médicale",
            "starts_on": "2026-06-30",
            "ends_on": "pas une date",
        },
    )
    assert refused.status_code == 422
    form = refused.get_data(as_text=True).split('id="edit-project"')[1].split("</details>")[0]
    assert form.startswith(" open")
    assert 'id="ep-end-error"' in form and 'aria-describedby="ep-end-error"' in form
    assert 'value="Caravane médicale"' in form and 'value="pas une date"' in form
    assert "someone else" not in form
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "Caravane"


def test_a_refused_comment_shows_the_reason_beside_the_field_and_keeps_the_text(logged_in, world):
    from projects.models import COMMENT_MAX

    project = ProjectFactory(visibility="members", associations=[world.a])
    member = logged_in(world.member)
    token = csrf_token(member, f"/projects/{project.id}")
    page = member.get(f"/projects/{project.id}").get_data(as_text=True)
    # the form is sent to its own place on the page: a refusal shows it where the person was
    assert f'action="/projects/{project.id}/comments#new-comment"' in page
    too_long = "Un long commentaire. " * (COMMENT_MAX // 20)
    refused = member.post(
        f"/projects/{project.id}/comments", data={"csrf_token": token, "body": too_long}
    )
    assert refused.status_code == 422
    form = refused.get_data(as_text=True).split('id="new-comment"')[1].split("</form>")[0]
    error = re.search(r'<p class="field-error" id="comment-body-error">(.*?)</p>', form, re.S)
    assert error is not None and "5000" in error.group(1).replace(",", "").replace("\u202f", "")
    assert 'aria-describedby="comment-body-error"' in form
    assert f"{too_long}</textarea>" in form
    # an empty comment: the reason beside the field as well
    empty = member.post(f"/projects/{project.id}/comments", data={"csrf_token": token, "body": " "})
    assert empty.status_code == 422
    form = empty.get_data(as_text=True).split('id="new-comment"')[1].split("</form>")[0]
    assert 'id="comment-body-error"' in form
    db.session.expire_all()
    assert db.session.query(ProjectComment).count() == 0
