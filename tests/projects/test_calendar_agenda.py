"""The month calendar on a phone is a list of the days that have something (the grid breaks
titles mid-word at 390 px): server-rendered beside the grid, days in order, empty month said."""

from __future__ import annotations

import datetime as dt
import re

from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.projects.factories import ActivityFactory, MilestoneFactory, ProjectFactory


def test_agenda_lists_the_days_with_something_in_order(logged_in):
    association = AssociationFactory()
    member = UserFactory(locale="fr")
    MembershipFactory(association=association, user=member)
    project = ProjectFactory(associations=[association])
    start = dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC)
    ActivityFactory(project=project, title="Caravane : Imlil", starts_at=start, ends_at=start)
    MilestoneFactory(project=project, title="Première caravane", due_on=dt.date(2026, 12, 6))
    MilestoneFactory(project=project, title="Bilan", due_on=dt.date(2027, 1, 20))  # next month
    client = logged_in(member)
    html = client.get(f"/projects/{project.id}/calendar?month=2026-12").get_data(as_text=True)
    agenda = html.split('<ol class="agenda">')[1].split("</ol>")[0]
    assert re.findall(r'data-date="([\d-]+)"', agenda) == ["2026-12-06", "2026-12-14"]
    assert "dimanche 6 décembre" in agenda and "lundi 14 décembre" in agenda
    assert "Caravane : Imlil" in agenda and "10:00" in agenda  # Casablanca time
    assert "Bilan" not in agenda
    empty = client.get(f"/projects/{project.id}/calendar?month=2026-11").get_data(as_text=True)
    assert "Rien ce mois-ci." in empty.split('<ol class="agenda">')[1]
