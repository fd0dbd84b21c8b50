"""A project's history reads as sentences in the reader's language, with milestones,
dependencies and associations named, never internal field names or ids."""

from __future__ import annotations

import pytest

from app.db import db
from tests.directory.factories import MembershipFactory
from tests.factories import UserFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory

EXPECTED = {
    "ar": (
        "تغيير الحالة في «<bdi>القافلة الأولى</bdi>» من مبرمج إلى قيد الإنجاز — "
        "<bdi>Fatima Zahra</bdi>",
        "«<bdi>القافلة الأولى</bdi>» صارت تنتظر <bdi>Repérage des douars</bdi> — "
        "<bdi>Fatima Zahra</bdi>",
    ),
    "fr": (
        "<bdi>Fatima Zahra</bdi> a changé le statut de «<bdi>القافلة الأولى</bdi>» "
        "de Planifié à En cours",
        "<bdi>Fatima Zahra</bdi> a fait attendre «<bdi>القافلة الأولى</bdi>» après "
        "<bdi>Repérage des douars</bdi>",
    ),
    "en": (
        "<bdi>Fatima Zahra</bdi> changed the status of «<bdi>القافلة الأولى</bdi>» "
        "from Planned to In progress",
        "<bdi>Fatima Zahra</bdi> made «<bdi>القافلة الأولى</bdi>» wait for "
        "<bdi>Repérage des douars</bdi>",
    ),
}


@pytest.mark.parametrize("locale", ["ar", "fr", "en"])
def test_history_reads_as_sentences(api, logged_in, world, locale):
    project = ProjectFactory(visibility="members", associations=[world.a])
    first = MilestoneFactory(project=project, title="Repérage des douars")
    caravan = MilestoneFactory(project=project, title="القافلة الأولى")
    world.coordinator.display_name = "Fatima Zahra"
    db.session.commit()
    coordinator = api(world.coordinator)
    assert (
        coordinator.patch(
            f"/api/v1/milestones/{caravan.id}", json={"status": "in_progress"}
        ).status_code
        == 200
    )
    assert (
        coordinator.patch(
            f"/api/v1/milestones/{caravan.id}", json={"depends_on": [first.id]}
        ).status_code
        == 200
    )
    reader = UserFactory(locale=locale)
    MembershipFactory(association=world.a, user=reader)
    html = logged_in(reader).get(f"/projects/{project.id}/history").get_data(as_text=True)
    status, dependency = EXPECTED[locale]
    assert status in html, html.split('<ol class="history">')[1][:1500]
    assert dependency in html
    assert "depends_on" not in html and "in_progress" not in html


def test_every_kind_of_change_is_a_sentence_without_ids(app):
    from flask_babel import force_locale

    from projects.history import Names, describe
    from projects.models import ProjectChange

    names = Names(
        milestones={1: "Repérage", 2: "Bilan"},
        activities={7: "Atelier"},
        associations={5: "جمعية النور", 6: "Association Al Amal"},
    )

    def say(entity, field, old=None, new=None, entity_id=1):
        change = ProjectChange(
            entity=entity, entity_id=entity_id, field=field, old_value=old, new_value=new
        )
        with app.test_request_context(), force_locale("en"):
            return str(describe(change, "Salma", names))

    assert say("project", "created", new="Caravane") == (
        "<bdi>Salma</bdi> created the project «<bdi>Caravane</bdi>»"
    )
    assert "<bdi>جمعية النور</bdi> joined the project" in say(
        "project", "association_ids", "[6]", "[6, 5]"
    )
    assert "invited <bdi>جمعية النور</bdi>" in say("project", "invited", None, "5")
    assert "declined" in say("project", "declined", "6", None)
    assert "from <time" in say("project", "ends_on", "2026-06-30", "2026-09-30")
    assert "to 70%" in say("milestone", "progress", "20", "70")
    assert "scheduled the activity «<bdi>Atelier</bdi>»" in say(
        "activity", "created", None, "Atelier", entity_id=7
    )
    assert "removed the dependencies" in say("milestone", "depends_on", "[2]", "[]")
    for text in (say("milestone", "weight", "1", "3"), say("activity", "location", "A", "B", 7)):
        assert "#" not in text and "_" not in text
