"""Demo projects for ``jam3ia seed-demo``: multi-association projects at different stages.

Uses the directory's demo associations and the demo people; dates are relative to today so
the timeline always shows a past, a present and a future.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.db import db, transaction, utcnow
from app.demo import demo_user
from directory import Association, user_memberships
from projects import services
from projects.access import EDITOR_ROLES
from projects.models import Project, ProjectChange, ProjectComment

DEMO_USERS = ("fatima", "youssef", "khadija", "omar", "salma", "hassan", "nadia")


def _editor_of(association_ids: list[int]) -> User:
    for username in DEMO_USERS:
        try:
            person = demo_user(username)
        except LookupError:
            continue
        for m in user_memberships(person.id):
            if m.association_id in association_ids and m.role in EDITOR_ROLES:
                return person
    return demo_user("admin")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def load_demo_projects() -> None:
    editor_pool: list[int] = []
    member_pool: list[int] = []
    for username in DEMO_USERS:
        try:
            person = demo_user(username)
        except LookupError:
            continue
        for m in user_memberships(person.id):
            pool = editor_pool if m.role in EDITOR_ROLES else member_pool
            if m.association_id not in editor_pool + member_pool:
                pool.append(m.association_id)
    approved = list(
        db.session.scalars(
            select(Association.id).where(Association.status == "approved").order_by(Association.id)
        )
    )
    # demo people's associations first, so that logging in as them shows their projects
    ids = list(dict.fromkeys([*editor_pool, *approved]))
    if len(ids) < 2:
        return
    partner = member_pool[0] if member_pool else ids[-1]
    today = utcnow().date()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    plans: list[dict[str, Any]] = [
        {
            "title": "Caravane médicale du Haut Atlas",
            "description": "Consultations gratuites et sensibilisation dans **12 douars**, "
            "avec les associations partenaires.",
            "association_ids": ids[0:3],
            "starts_on": day(-75),
            "ends_on": day(45),
            "visibility": "public",
            "status": "active",
            "created": 86,
            "milestones": [
                ("Repérage des douars", -75, -55, "done", 100, 1),
                ("Convention avec la délégation de santé", -55, -12, "in_progress", 70, 2),
                ("Première caravane", -10, 15, "in_progress", 20, 3),
                ("Bilan et rapport", 30, 45, "planned", 0, 1),
            ],
            "activities": [
                ("Réunion de coordination", 2, "Marrakech, siège de l'association"),
                ("Caravane : Imlil", 10, "Imlil"),
                ("Atelier hygiène bucco-dentaire", 24, "Asni"),
            ],
            "comments": [
                "La délégation demande encore la liste des médecins bénévoles avant de signer.",
                "تم تأكيد مشاركة طبيبين للعيون في القافلة الأولى.",
            ],
        },
        {
            "title": "محو الأمية الرقمية للنساء",
            "description": "ورشات أسبوعية لتعليم استعمال الهاتف والخدمات الرقمية.",
            "association_ids": ids[3:6] or ids[:2],
            "starts_on": day(20),
            "ends_on": day(140),
            "visibility": "network",
            "status": "planned",
            "created": 14,
            "milestones": [
                ("تكوين المكونات", 20, 35, "planned", 0, 1),
                ("الفوج الأول", 40, 80, "planned", 0, 2),
                ("الفوج الثاني", 85, 135, "planned", 0, 2),
            ],
            "activities": [
                ("لقاء تنسيقي", 22, "مقر الجمعية"),
                ("ورشة الهاتف الذكي", 27, "دار الشباب"),
            ],
            "comments": ["اقترحت الجماعة قاعة دار الشباب يومي الأربعاء والسبت."],
        },
        {
            "title": "Reforestation Souss-Massa",
            "description": "Planting 5,000 argan trees with schools and cooperatives.",
            "association_ids": [ids[6] if len(ids) > 6 else ids[0], partner],
            "starts_on": day(-170),
            "ends_on": day(-15),
            "visibility": "members",
            "status": "completed",
            "created": 89,
            "milestones": [
                ("Nursery", -170, -120, "done", 100, 1),
                ("Planting season", -110, -40, "done", 100, 3),
                ("Follow-up visits", -38, -18, "done", 100, 1),
                ("Drip irrigation (dropped)", -100, -60, "cancelled", 10, 1),
            ],
            "activities": [("Closing ceremony", -16, "Taroudant")],
            "comments": [
                "4,860 trees planted; survival rate after the summer: 81 %.",
                "Merci aux écoles partenaires, le rapport final est dans la bibliothèque.",
            ],
        },
    ]
    for plan in plans:
        if db.session.scalar(select(Project.id).where(Project.title == plan["title"])):
            continue
        with transaction():  # each project whole or not at all
            _load_plan(plan, day)


def _load_plan(plan: dict[str, Any], day: Callable[[int], dt.date]) -> None:
    """One demo project through the services, as its editors would make it."""
    owners = list(dict.fromkeys(plan["association_ids"]))
    actor = _editor_of(owners)
    project = services.create_project(
        actor,
        {k: plan[k] for k in ("title", "description", "starts_on", "ends_on", "visibility")}
        | {"association_ids": owners},
    )
    for association_id in project.invited_association_ids:  # the partners agree
        services.answer_invitation(
            _editor_of([association_id]), project, association_id, accept=True
        )
    previous = None
    for title, start, due, status, progress, weight in plan["milestones"]:
        milestone = services.add_milestone(
            actor,
            project,
            {
                "title": title,
                "starts_on": day(start),
                "due_on": day(due),
                "weight": weight,
                "depends_on": [previous.id] if previous is not None else [],
            },
        )
        services.update_milestone(actor, milestone, {"status": status, "progress": progress})
        previous = milestone
    for title, offset, place in plan["activities"]:
        services.add_activity(
            actor,
            project,
            {
                "title": title,
                "starts_at": _at(day(offset), 9),
                "ends_at": _at(day(offset), 12),
                "location": place,
            },
        )
    for text in plan["comments"]:
        services.add_comment(actor, project, text)
    if plan["status"] != "active":
        services.update_project(actor, project, {"status": plan["status"]})
    db.session.flush()
    _spread_history(project, utcnow() - dt.timedelta(days=plan["created"]))


def _spread_history(project: Project, created: dt.datetime) -> None:
    """Date the project and its history from ``created`` to today, in the order things were
    done (a milestone finished around its due date), never in the future."""
    rng = random.Random(project.title)
    now = utcnow()
    project.created_at = created
    changes = list(
        db.session.scalars(
            select(ProjectChange)
            .where(ProjectChange.project_id == project.id)
            .order_by(ProjectChange.id)
        )
    )
    span = max((now - created).total_seconds(), 3600.0)
    step = span / (len(changes) + 1)
    at = created
    for change in changes:
        change.created_at = min(at, now - dt.timedelta(minutes=10))
        at += dt.timedelta(seconds=step * rng.uniform(0.5, 1.5))
    last = min(at, now - dt.timedelta(minutes=10))
    project.updated_at = last
    for milestone in project.milestones:
        milestone.created_at = created
        milestone.updated_at = last
        if milestone.completed_at is not None:
            due = _at(milestone.due_on, 17) - dt.timedelta(days=rng.randint(0, 4))
            milestone.completed_at = min(max(due, created), now - dt.timedelta(hours=1))
    for comment in db.session.scalars(
        select(ProjectComment).where(ProjectComment.project_id == project.id)
    ):
        comment.created_at = created + (last - created) * rng.uniform(0.3, 0.95)
    for activity in project.activities:
        activity.created_at = created
        activity.updated_at = created
