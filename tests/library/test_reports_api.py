"""Activity reports through the JSON API: who writes and reads, counts only (validated),
stale edits, and the PDF export with Arabic text."""

from __future__ import annotations

import pytest

from library.reports.models import ActivityReport
from tests.library.test_knowledge_api import world  # noqa: F401  (the fixture)

BODY = {
    "title": "قافلة طبية",
    "held_on": "2026-10-03",
    "activity_id": 12,
    "attendance": {"0-5": {"female": 3, "male": 4}, "60+": {"female": 2}},
    "outputs": "40 استشارة",
    "lessons": "Commencer plus tôt",
}


def path(world):  # noqa: F811
    return f"/api/v1/associations/{world.assoc.id}/activity-reports"


def test_coordinator_writes_a_report_and_members_read_it(api, world):  # noqa: F811
    response = api(world.coordinator).post(path(world), json=BODY)
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["total"] == 9 and report["activity_id"] == 12
    assert report["attendance"]["13-17"] == {"female": 0, "male": 0}
    assert report["attendance"]["60+"] == {"female": 2, "male": 0}
    assert api(world.member).get(f"/api/v1/activity-reports/{report['id']}").status_code == 200
    listed = api(world.member).get(path(world)).get_json()["items"]
    assert [r["id"] for r in listed] == [report["id"]]
    assert api(world.outsider).get(f"/api/v1/activity-reports/{report['id']}").status_code == 404
    assert api(None).get(path(world)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff", 201), ("coordinator", 201), ("admin", 201), ("member", 403), ("outsider", 404)],
)
def test_who_may_write(api, world, who, status):  # noqa: F811
    assert api(getattr(world, who)).post(path(world), json=BODY).status_code == status


@pytest.mark.parametrize(
    "attendance",
    [
        {"0-5": {"female": -1}},
        {"0-5": {"female": 100_001}},
        {"0-5": {"female": "3"}},
        {"0-5": {"female": 2.5}},
        {"0-5": {"other": 1}},
        {"teens": {"female": 1}},
        {"0-5": {"female": 1, "name": "Fatima"}},
    ],
)
def test_bad_counts_are_refused_and_nothing_is_stored(api, world, attendance):  # noqa: F811
    response = api(world.staff).post(path(world), json=BODY | {"attendance": attendance})
    assert response.status_code == 422, response.get_json()
    assert ActivityReport.query.count() == 0


def test_stale_edit_is_a_conflict(api, world):  # noqa: F811
    report = api(world.staff).post(path(world), json=BODY).get_json()
    url = f"/api/v1/activity-reports/{report['id']}"
    assert api(world.staff).patch(url, json={"lessons": "a", "version": 1}).status_code == 200
    stale = api(world.coordinator).patch(url, json={"lessons": "b", "version": 1})
    assert stale.status_code == 409
    assert api(world.member).patch(url, json={"lessons": "c"}).status_code == 403
    assert api(world.staff).get(url).get_json()["lessons"] == "a"


def test_pdf_export(api, world):  # noqa: F811
    report = api(world.staff).post(path(world), json=BODY).get_json()
    response = api(world.member).get(f"/api/v1/activity-reports/{report['id']}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    pdf_url = f"/api/v1/activity-reports/{report['id']}/pdf"
    assert api(world.outsider).get(pdf_url).status_code == 404
