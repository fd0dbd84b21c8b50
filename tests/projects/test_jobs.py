"""The projects' overdue notifications as a periodic job of ``jam3ia tick``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import db
from app.jobs import run_due_jobs
from app.notifications.models import Notification
from projects.models import Milestone
from tests.projects.factories import MilestoneFactory, ProjectFactory


def _overdue_notes() -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.kind == "projects.milestone_overdue")
        )
    )


def test_notify_due_runs_through_tick_once_per_period(app, world):
    now = dt.datetime(2027, 5, 10, 7, 0, tzinfo=dt.UTC)
    project = ProjectFactory(visibility="members", associations=[world.a])
    late = MilestoneFactory(project=project, starts_on=None, due_on=dt.date(2027, 5, 9))
    MilestoneFactory(project=project, starts_on=None, due_on=dt.date(2027, 5, 10))  # today
    db.session.commit()

    outcomes = {o.name: o for o in run_due_jobs(now, only="projects.notify_due")}
    assert outcomes["projects.notify_due"].ok and outcomes["projects.notify_due"].result == "1"
    db.session.expire_all()
    assert {n.user_id for n in _overdue_notes()} == {world.member.id, world.coordinator.id}
    assert db.session.get(Milestone, late.id).overdue_notified_at is not None

    assert run_due_jobs(now + dt.timedelta(minutes=30), only="projects.notify_due") == []
    # the next day the milestone due "today" is late too: notified once
    nxt = run_due_jobs(now + dt.timedelta(days=1), only="projects.notify_due")
    assert [o.result for o in nxt] == ["1"]
    assert len(_overdue_notes()) == 4
    again = run_due_jobs(now + dt.timedelta(days=1, hours=1), only="projects.notify_due")
    assert [o.result for o in again] == ["0"]
    # and the cron command still works, through the same function
    assert "0 newly overdue" in app.test_cli_runner().invoke(args=["notify-due"]).output
