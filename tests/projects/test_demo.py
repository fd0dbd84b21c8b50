"""The projects' demo loader: multi-association projects at different stages, loaded once."""

from __future__ import annotations

from sqlalchemy import select

from app.db import db
from app.demo import demo_user, load_demo_users
from projects.demo import load_demo_projects
from projects.models import Project
from tests.directory.factories import AssociationFactory, MembershipFactory


def test_demo_projects(app):
    load_demo_users()
    db.session.commit()
    associations = [AssociationFactory() for _ in range(8)]
    for person, association, role in (
        ("fatima", associations[0], "coordinator"),
        ("youssef", associations[1], "admin"),
        ("khadija", associations[2], "admin"),
        ("omar", associations[3], "member"),
    ):
        MembershipFactory(association=association, user=demo_user(person), role=role)
    load_demo_projects()
    load_demo_projects()  # idempotent
    projects = db.session.scalars(select(Project).order_by(Project.id)).all()
    assert len(projects) == 3
    assert all(len(p.association_ids) >= 2 for p in projects)
    assert {p.visibility for p in projects} == {"public", "network", "members"}
    # created by a demo person who edits one of the owning associations
    assert projects[0].created_by_id == demo_user("fatima").id
    statuses = {m.status for p in projects for m in p.milestones}
    assert statuses == {"planned", "in_progress", "done", "cancelled"}
    assert all(p.activities for p in projects)
