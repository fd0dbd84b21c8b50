"""Factories for projects: a project owned by associations, milestones, activities."""

from __future__ import annotations

import datetime as dt

import factory

from projects.models import Activity, Milestone, Project, ProjectAssociation
from tests.factories import BaseFactory

TODAY = dt.date(2026, 6, 15)


class ProjectFactory(BaseFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Project {n}")
    description = ""
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 12, 31)
    visibility = "members"
    status = "active"

    @factory.post_generation
    def associations(self, create: bool, extracted: list | None, **_kw: object) -> None:
        for position, association in enumerate(extracted or []):
            self.owners.append(ProjectAssociation(association_id=association.id, position=position))
        if create and extracted:
            from app.db import db

            db.session.commit()


class MilestoneFactory(BaseFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    starts_on = dt.date(2026, 3, 1)
    due_on = dt.date(2026, 4, 1)
    status = "planned"
    progress = 0
    weight = 1


class ActivityFactory(BaseFactory):
    class Meta:
        model = Activity

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    location = "Rabat"
    starts_at = dt.datetime(2026, 5, 2, 9, 0, tzinfo=dt.UTC)
    ends_at = dt.datetime(2026, 5, 2, 12, 0, tzinfo=dt.UTC)
