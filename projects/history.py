"""A project's history as sentences in the reader's language: "Fatima changed the status of
«First caravan» from Planned to In progress", with milestones, activities, associations and
dependencies named (not ids), dates in the reader's style, names and titles in ``<bdi>``.

``changes(project)`` reads the recorded changes (newest first, one query);
``sentences(project, changes)`` looks every name up in a fixed number of queries. The changes
are recorded by ``projects.services`` as it writes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db import db
from app.i18n import bdi_filter, date_filter, datetime_filter, list_filter
from directory import get_associations
from projects.models import Project, ProjectChange

STATUS = {
    "planned": lambda: _("Planned"),
    "in_progress": lambda: _("In progress"),
    "done": lambda: _("Done"),
    "cancelled": lambda: _("Cancelled"),
    "active": lambda: _("Active"),
    "completed": lambda: _("Completed"),
}
VISIBILITY = {
    "public": lambda: _("Public"),
    "network": lambda: _("Network"),
    "members": lambda: _("Members"),
}


@dataclass(frozen=True)
class Names:
    """Titles of milestones and activities, names of associations, by id."""

    milestones: dict[int, str]
    activities: dict[int, str]
    associations: dict[int, str]


def _ids(raw: str | None) -> list[int]:
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    if isinstance(value, int):
        return [value]
    return [int(v) for v in value if isinstance(v, int)] if isinstance(value, list) else []


def _say(template: str, **params: Any) -> Markup:
    """``template`` (already translated) with each parameter isolated unless it is markup."""
    return escape(template) % {
        key: value if isinstance(value, Markup) else bdi_filter(value)
        for key, value in params.items()
    }


def _value(field: str, raw: str | None) -> Markup:
    if raw is None or raw == "":
        return Markup("—")
    if field in ("status",) and raw in STATUS:
        return escape(STATUS[raw]())
    if field == "visibility" and raw in VISIBILITY:
        return escape(VISIBILITY[raw]())
    if field in ("starts_on", "ends_on", "due_on"):
        return date_filter(raw)
    if field in ("starts_at", "ends_at"):
        return datetime_filter(dt.datetime.fromisoformat(raw))
    if field == "progress":
        return escape(f"{raw}%")
    return bdi_filter(raw)


FIELD_NAMES: dict[str, Callable[[], str]] = {
    "title": lambda: _("title"),
    "description": lambda: _("description"),
    "status": lambda: _("status"),
    "visibility": lambda: _("visibility"),
    "starts_on": lambda: _("start date"),
    "ends_on": lambda: _("end date"),
    "due_on": lambda: _("due date"),
    "starts_at": lambda: _("start"),
    "ends_at": lambda: _("end"),
    "location": lambda: _("place"),
    "progress": lambda: _("progress"),
    "weight": lambda: _("weight"),
}


def describe(change: ProjectChange, who: str, names: Names) -> Markup:
    """One change as a sentence in the current language."""
    entity, field = change.entity, change.field
    old, new = change.old_value, change.new_value
    if entity == "project":
        return _describe_project(field, who, old, new, names)
    if entity == "comment":
        return _say(_("%(who)s commented: «%(text)s»"), who=who, text=(new or "")[:120])
    table = names.milestones if entity == "milestone" else names.activities
    title = table.get(change.entity_id) or new or old or "—"
    if field == "created":
        template = (
            _("%(who)s added the milestone «%(title)s»")
            if entity == "milestone"
            else _("%(who)s scheduled the activity «%(title)s»")
        )
        return _say(template, who=who, title=new or title)
    if field == "deleted":
        template = (
            _("%(who)s removed the milestone «%(title)s»")
            if entity == "milestone"
            else _("%(who)s cancelled the activity «%(title)s»")
        )
        return _say(template, who=who, title=old or title)
    if field == "depends_on":
        wanted = [names.milestones.get(i, f"#{i}") for i in _ids(new)]
        if not wanted:
            return _say(_("%(who)s removed the dependencies of «%(title)s»"), who=who, title=title)
        return _say(
            _("%(who)s made «%(title)s» wait for %(others)s"),
            who=who,
            title=title,
            others=list_filter(wanted),
        )
    if field == "title":
        return _say(
            _("%(who)s renamed «%(old)s» to «%(new)s»"), who=who, old=old or "", new=new or ""
        )
    if field == "description":
        return _say(_("%(who)s edited the description of «%(title)s»"), who=who, title=title)
    if field == "progress":
        return _say(
            _("%(who)s set the progress of «%(title)s» to %(new)s"),
            who=who,
            title=title,
            new=_value(field, new),
        )
    label = FIELD_NAMES.get(field)
    return _say(
        _("%(who)s changed the %(field)s of «%(title)s» from %(old)s to %(new)s"),
        who=who,
        field=escape(label() if label else field),
        title=title,
        old=_value(field, old),
        new=_value(field, new),
    )


def _describe_project(
    field: str, who: str, old: str | None, new: str | None, names: Names
) -> Markup:
    if field == "created":
        return _say(_("%(who)s created the project «%(title)s»"), who=who, title=new or "")
    if field in ("association_ids", "invitations"):
        before, after = set(_ids(old)), _ids(new)
        added = [names.associations.get(i, f"#{i}") for i in after if i not in before]
        gone = [names.associations.get(i, f"#{i}") for i in sorted(before - set(after))]
        if field == "association_ids" and added:
            return _say(_("%(names)s joined the project"), names=list_filter(added))
        if field == "association_ids":
            return _say(_("%(names)s left the project"), names=list_filter(gone))
        return _say(
            _("%(who)s withdrew the invitation of %(names)s"), who=who, names=list_filter(gone)
        )
    if field == "invited":
        invited = [names.associations.get(i, f"#{i}") for i in _ids(new)]
        return _say(
            _("%(who)s invited %(names)s to co-own the project"),
            who=who,
            names=list_filter(invited),
        )
    if field == "declined":
        declined = [names.associations.get(i, f"#{i}") for i in _ids(old)]
        return _say(_("%(names)s declined to co-own the project"), names=list_filter(declined))
    if field == "description":
        return _say(_("%(who)s edited the project's description"), who=who)
    if field == "title":
        return _say(
            _("%(who)s renamed the project «%(old)s» to «%(new)s»"),
            who=who,
            old=old or "",
            new=new or "",
        )
    label = FIELD_NAMES.get(field)
    return _say(
        _("%(who)s changed the project's %(field)s from %(old)s to %(new)s"),
        who=who,
        field=escape(label() if label else field),
        old=_value(field, old),
        new=_value(field, new),
    )


def sentences(
    project: Project, changes: Iterable[ProjectChange]
) -> list[tuple[ProjectChange, Markup]]:
    """Each change with its sentence (one query for the associations named)."""
    changes = list(changes)
    association_ids: set[int] = set(project.association_ids)
    for change in changes:
        if change.entity == "project" and change.field in (
            "association_ids",
            "invitations",
            "invited",
            "declined",
        ):
            association_ids.update(_ids(change.old_value) + _ids(change.new_value))
    names = Names(
        milestones={m.id: m.title for m in project.milestones},
        activities={a.id: a.title for a in project.activities},
        associations={i: a.name for i, a in get_associations(association_ids).items()},
    )
    out = []
    for change in changes:
        who = change.actor.public_name if change.actor else _("Someone")
        out.append((change, describe(change, who, names)))
    return out


def changes(
    project: Project, limit: int = 200, before_id: int | None = None
) -> list[ProjectChange]:
    """The project's latest ``limit`` changes (before ``before_id`` when given), newest first,
    with who made them (two queries)."""
    query = (
        select(ProjectChange)
        .options(selectinload(ProjectChange.actor))
        .where(ProjectChange.project_id == project.id)
    )
    if before_id is not None:
        query = query.where(ProjectChange.id < before_id)
    return list(db.session.scalars(query.order_by(ProjectChange.id.desc()).limit(limit)))
