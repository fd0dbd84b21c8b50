"""Library: an association's documents (append-only versions, consent), authorisations and
legal calendar.

Public API (what other features may import): ``register(app)``,
``activity_report_url(association_id, activity_id=..., title=..., held_on=...)`` (projects
links an activity that took place to its report form),
``valid_authorization(association_id, kind, on=None) -> bool`` (e.g. a campaign checks its
public-appeal authorisation before going live), ``add_obligation(association_id, kind,
due_at, source=..., title=..., remind_days=[...])`` (e.g. "campaign report due"),
``fulfil_obligation(association_id, kind, source)`` (the report was filed) and
``public_media_consent(association_id, document_id) -> bool`` (a photo may be shown publicly),
``public_photos(association_id) -> [(id, title)]`` (the photos it may show) and
``public_photo(association_id, document_id) -> (bytes, mime) | None`` (their latest bytes). The
sub-packages ``library.knowledge`` (knowledge pages) and ``library.reports`` (activity reports)
register from here.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from library import queries, services


def register(app: Flask) -> None:
    """Mount the API, the pages, the calendar job and the retention rule."""
    from app.api import api
    from app.cli import add_demo_loader
    from app.jobs import register_job
    from app.plugins import registry
    from app.privacy import register_retention
    from library import api as endpoints
    from library import demo, routes, search, services
    from library.home import register_home
    from library.models import LibraryDocument
    from library.uploads import register_upload_limits

    api.register_blueprint(endpoints.blp)
    app.register_blueprint(routes.bp)
    registry(app).nav_links.append((35, "library.index", lambda: str(_l("Library"))))
    registry(app).nav_icons["library.index"] = "journal-bookmark"
    register_home(registry(app))
    register_upload_limits(app)
    search.register(app)  # public documents in the site search
    add_demo_loader(app, 35, "library", demo.load_demo_library)
    register_retention(app, LibraryDocument, services.expire_documents)
    register_job(
        app,
        "library.calendar",
        dt.timedelta(hours=1),
        services.send_reminders,
        "remind association admins of legal obligations due or overdue",
    )
    from library import knowledge, reports

    knowledge.register(app)  # knowledge pages (library/knowledge/)
    reports.register(app)  # activity reports (library/reports/)


def valid_authorization(association_id: int, kind: str, on: dt.date | None = None) -> bool:
    """Whether the association holds an authorisation of ``kind`` valid on ``on`` (today)."""
    return queries.valid_authorization(association_id, kind, on)


def add_obligation(
    association_id: int,
    kind: str,
    due_at: dt.date,
    *,
    source: str,
    title: str = "",
    remind_days: list[int] | None = None,
) -> int:
    """Add a dated obligation to the association's legal calendar (the caller commits);
    returns its id. The same ``kind`` and ``source`` is never added twice."""
    return services.add_obligation(
        association_id, kind, due_at, source=source, title=title, remind_days=remind_days
    ).id


def fulfil_obligation(association_id: int, kind: str, source: str) -> bool:
    """Mark the open obligation of ``kind`` and ``source`` done (the caller commits): the
    feature that added it saw it fulfilled (a campaign's report filed). False when none is
    open."""
    return services.fulfil_obligation(association_id, kind, source)


def public_media_consent(association_id: int, document_id: int) -> bool:
    """Whether the document is one of the association's photos or videos whose standing
    consents all allow showing it publicly."""
    return queries.public_media_consent(association_id, document_id)


def public_photos(association_id: int) -> list[tuple[int, str]]:
    """The association's photos whose standing consents all allow the public, newest first:
    ``(document id, title)``."""
    return queries.public_photos(association_id)


def public_photo(association_id: int, document_id: int) -> tuple[bytes, str] | None:
    """The latest version of one of those photos (its bytes, checked, and its type), or None
    when the document is not a photo of the association shown publicly."""
    return queries.public_photo(association_id, document_id)


def activity_report_url(
    association_id: int, *, activity_id: int, title: str, held_on: dt.date
) -> str:
    """The page where the association writes the report of a (project) activity, pre-filled."""

    return url_for(
        "reports.new",
        association_id=association_id,
        activity_id=activity_id,
        title=title,
        held_on=held_on.isoformat(),
    )


__all__ = [
    "activity_report_url",
    "add_obligation",
    "fulfil_obligation",
    "public_media_consent",
    "public_photo",
    "public_photos",
    "register",
    "valid_authorization",
]
