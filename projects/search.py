"""What projects put in the search index (``scope=projects`` of ``GET /api/v1/search``).

Each project document carries the access values of its visibility: ``public``; ``network``
(every signed-in person); ``assoc:{id}`` for each owning association when only members may
see it. An actor's principals are ``network``, ``assoc:{id}`` per approved membership and
``admin`` for platform administrators, so a search never counts or shows a project the
actor could not open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import db
from app.search.framework import DocType, Document, register_doc_type
from app.search.latin import fold_accents
from directory import Association, user_memberships
from projects.models import Milestone, Project, ProjectAssociation

DOC_TYPE = "projects"


def acl_of(project: Project) -> tuple[str, ...]:
    if project.visibility == "public":
        return ("public",)
    if project.visibility == "network":
        return ("network",)
    return ("admin", *(f"assoc:{aid}" for aid in project.association_ids))


def principals(actor: Any) -> Iterable[str]:
    values = ["network", *(f"assoc:{m.association_id}" for m in user_memberships(actor.id))]
    if getattr(actor, "is_admin", False):
        values.append("admin")
    return values


def load_projects(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    projects = session.scalars(
        select(Project)
        .where(Project.id.in_(list(ids)))
        .options(selectinload(Project.milestones), selectinload(Project.owners))
    ).all()
    owner_ids = {aid for p in projects for aid in p.association_ids}
    names = dict(
        session.execute(
            select(Association.id, Association.name).where(Association.id.in_(owner_ids))
        ).all()
    )
    docs = {}
    for p in projects:
        docs[p.id] = Document(
            id=p.id,
            names={"title": p.title},
            text={
                "description": p.description,
                "milestones": " ".join(m.title for m in p.milestones),
                "associations": " ".join(names.get(aid, "") for aid in p.association_ids),
            },
            sort_name=fold_accents(p.title.casefold()),
            created=p.created_at.timestamp(),
            acl=acl_of(p),
        )
    return docs


def all_project_ids(session: Session) -> Iterable[int]:
    return session.scalars(select(Project.id).order_by(Project.id))


def describe(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    rows = db.session.execute(
        select(Project.id, Project.title, Project.description).where(Project.id.in_(list(ids)))
    )
    return {
        r[0]: {
            "title": r[1],
            "url": url_for("projects.show_project", project_id=r[0]),
            "snippet": (r[2] or "")[:200],
        }
        for r in rows
    }


def register_search(app: Flask) -> None:
    register_doc_type(
        app,
        DocType(
            name=DOC_TYPE,
            load=load_projects,
            all_ids=all_project_ids,
            name_fields={"title": 4.0},
            text_fields={"description": 1.0, "milestones": 1.5, "associations": 1.0},
            principals=principals,
            watch=(
                (Project, lambda p: [p.id]),
                (Milestone, lambda m: [m.project_id]),
                (ProjectAssociation, lambda pa: [pa.project_id]),
            ),
            describe=describe,
        ),
    )
