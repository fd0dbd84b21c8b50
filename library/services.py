"""The library's rules: documents and versions, consent, authorisations, the legal calendar.

Services flush; the edge (api/routes/job) commits. Every write that stores a file removes it
again when the row cannot be written (nothing half-written).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.api import ApiError, invalid
from app.db import after_commit, after_rollback, db, insert_once, utcnow
from app.notifications.services import notify
from app.search.framework import enqueue
from app.text import clean_name
from directory import association_member_ids, get_association
from library.models import (
    AUTHORIZATION_KINDS,
    BUILT_KINDS,
    MEDIA_KINDS,
    UPLOAD_KINDS,
    VISIBILITIES,
    Authorization,
    DocumentVersion,
    LibraryDocument,
    MediaConsent,
    Obligation,
)
from library.queries import consent_covers, level, own_document
from library.search import DOC_TYPE
from library.sniff import IMAGES, VIDEOS, Refused, safe_filename, sniff
from library.storage import sha256, storage

DEFAULT_MAX_UPLOAD = 2 * 1024 * 1024
#: A minute or two of phone video.
DEFAULT_MAX_VIDEO = 40 * 1024 * 1024
MAX_TAGS = 10

REFUSALS = {
    "empty_file": lambda: _("The file is empty."),
    "unsupported_type": lambda: _(
        "This type of file is not accepted (PDF, PNG, JPEG, WebP, text, docx, xlsx, odt, "
        "or an MP4, WebM or MOV video)."
    ),
    "markup_refused": lambda: _("HTML and SVG files are not accepted."),
    "pdf_script": lambda: _("This PDF contains scripts or active content; it is refused."),
    "bad_filename": lambda: _("The file name must be a plain name, without a folder or path."),
}


# ---- files -------------------------------------------------------------------------------


def max_upload() -> int:
    """The largest document other than a video (bytes)."""
    return int(current_app.config.get("LIBRARY_MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD)


def max_video() -> int:
    """The largest video (bytes)."""
    return int(current_app.config.get("LIBRARY_MAX_VIDEO_BYTES") or DEFAULT_MAX_VIDEO)


def max_read() -> int:
    """How many bytes an upload edge reads at most (one more than any accepted file)."""
    return max(max_upload(), max_video()) + 1


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "too_large", _("The file is larger than %(mb).1f MB.", mb=limit / 1024 / 1024)
    )


def check_file(filename: str, data: bytes, kind: str | None = None) -> tuple[str, str]:
    """``(safe name, sniffed type)`` or a 413/422 with a clear message. Videos have their own
    size limit; a document of kind ``photo`` must be an image and ``video`` a video (and a
    video is only ever a ``video``)."""
    if len(data) > max(max_upload(), max_video()):
        raise _too_large(max(max_upload(), max_video()))
    try:
        name = safe_filename(filename)
        mime = sniff(data)
    except Refused as refused:
        raise invalid(REFUSALS[refused.code](), "file", refused.code) from None
    limit = max_video() if mime in VIDEOS else max_upload()
    if len(data) > limit:
        raise _too_large(limit)
    if kind == "photo" and mime not in IMAGES:
        raise invalid(_("A photo must be a PNG, JPEG or WebP image."), "file", "kind_mismatch")
    if (kind == "video") != (mime in VIDEOS) and kind is not None:
        message = (
            _("A video must be an MP4, WebM or MOV file.")
            if kind == "video"
            else _("A video can only be added as a document of the kind “Video”.")
        )
        raise invalid(message, "file", "kind_mismatch")
    return name, mime


@contextmanager
def stored(data: bytes) -> Iterator[str]:
    """Store ``data``; the file is removed again if the block fails or the transaction ends
    without a commit (no orphan file on disk)."""
    backend = storage()
    key = backend.put(data)
    try:
        after_rollback(functools.partial(backend.delete, key))
        yield key
    except BaseException:
        backend.delete(key)
        raise


#: How many numbers a new version tries when concurrent uploads take the next ones first.
NUMBER_ATTEMPTS = 5


def _append_version(
    actor: Any, doc: LibraryDocument, name: str, mime: str, data: bytes
) -> DocumentVersion:
    """The document's next version. Two uploads at once both keep their file: the one whose
    number was taken meanwhile (the unique key refuses it) takes the next one."""
    with stored(data) as key:
        for _attempt in range(NUMBER_ATTEMPTS):
            version = DocumentVersion(
                document_id=doc.id,
                number=_next_version_number(doc),
                storage_key=key,
                sha256=sha256(data),
                size=len(data),
                mime=mime,
                filename=name,
                created_by_id=getattr(actor, "id", None),
            )
            if insert_once(version):
                db.session.expire(doc, ["versions"])
                return version
        raise ApiError(409, "busy", _("Many versions are being added at once; please try again."))


def _next_version_number(doc: LibraryDocument) -> int:
    last = db.session.scalar(
        select(func.max(DocumentVersion.number)).where(DocumentVersion.document_id == doc.id)
    )
    return (last or 0) + 1


def append_built_version(
    actor: Any, doc: LibraryDocument, name: str, mime: str, data: bytes
) -> DocumentVersion:
    """A version jam3ia built itself (a handover pack): stored like an upload, not sniffed."""
    return _append_version(actor, doc, name, mime, data)


# ---- documents ---------------------------------------------------------------------------


def _meta(data: dict[str, Any], doc: LibraryDocument) -> None:
    if "kind" in data and data["kind"] != doc.kind:
        if data["kind"] not in UPLOAD_KINDS or doc.kind in BUILT_KINDS:
            raise invalid(_("Unknown kind of document."), "kind")
        doc.kind = data["kind"]
    if "title" in data:
        title = clean_name(str(data["title"] or ""))[:200]
        if not title:
            raise invalid(_("A title is required."), "title")
        doc.title = title
    if "visibility" in data:
        if data["visibility"] not in VISIBILITIES:
            raise invalid(_("Unknown visibility."), "visibility")
        if doc.kind in BUILT_KINDS and data["visibility"] != "admins":
            raise invalid(
                _("A handover pack holds every document: it stays with the administrators."),
                "visibility",
            )
        doc.visibility = data["visibility"]
    if data.get("language"):
        doc.language = str(data["language"])[:5]
    if "tags" in data:
        tags = data["tags"] or []
        if isinstance(tags, str):
            tags = tags.split(",")
        doc.tags = sorted({clean_name(str(t))[:40] for t in tags if clean_name(str(t))})[:MAX_TAGS]
    for name in ("valid_from", "expires_at", "retention_until"):
        if name in data:
            setattr(doc, name, data[name])


def check_consent(doc: LibraryDocument) -> None:
    """A photo or video above ``members`` needs a standing consent whose scope covers it."""
    if doc.kind not in MEDIA_KINDS or level(doc.visibility) <= level("members"):
        return
    if not consent_covers(doc, doc.visibility):
        raise invalid(
            _(
                "A photo or video can be shown beyond the members only with the consent of the "
                "people in it, covering that audience. Record the consent first."
            ),
            "visibility",
            "consent_required",
        )


def create_document(
    actor: Any, association_id: int | None, data: dict[str, Any], filename: str, content: bytes
) -> LibraryDocument:
    name, mime = check_file(filename, content, data.get("kind"))
    doc = LibraryDocument(
        association_id=association_id,
        created_by_id=getattr(actor, "id", None),
        visibility="admins",
        tags=[],
    )
    _meta({"visibility": "admins", **data}, doc)
    if not doc.kind:
        raise invalid(_("A kind and a title are required."), "kind")
    if not doc.title:
        raise invalid(_("A title is required."), "title")
    check_consent(doc)
    db.session.add(doc)
    db.session.flush()
    _append_version(actor, doc, name, mime, content)
    derive_obligations(doc)
    if doc.kind == "board_list" and association_id is not None:
        _suggest_handover(actor, association_id, doc)
    return doc


def _suggest_handover(actor: Any, association_id: int, doc: LibraryDocument) -> None:
    """A new board list means a new board: its administrators are offered the handover."""
    association = get_association(association_id)
    notify(
        association_member_ids(association_id, roles=("admin",)),
        kind="library.handover",
        subject=f"library:handover:{doc.id}",
        text=_l(
            "A new board list was added to %(name)s: build the handover pack for the new board.",
            name=association.name if association else "",
        ),
        url=f"/associations/{association_id}/library#handover-title",
        actor_id=getattr(actor, "id", None),
    )


def add_version(actor: Any, doc: LibraryDocument, filename: str, content: bytes) -> DocumentVersion:
    if doc.kind in BUILT_KINDS:
        raise invalid(
            _("jam3ia builds this document itself; build it again instead of uploading a file."),
            "file",
            "built_document",
        )
    name, mime = check_file(filename, content, doc.kind)
    return _append_version(actor, doc, name, mime, content)


def update_document(doc: LibraryDocument, data: dict[str, Any]) -> LibraryDocument:
    _meta(data, doc)
    check_consent(doc)
    db.session.flush()
    return doc


def delete_document(doc: LibraryDocument) -> None:
    """Remove the rows now; the files once the deletion is committed."""
    keys = [v.storage_key for v in doc.versions]
    db.session.delete(doc)
    db.session.flush()
    _unlink_after_commit(keys)


def _unlink_after_commit(keys: list[str]) -> None:
    """The files of deleted rows go once the deletion is committed (kept on a rollback)."""
    backend = storage()
    for key in keys:
        after_commit(functools.partial(backend.delete, key))


# ---- consent -----------------------------------------------------------------------------


def add_consent(actor: Any, doc: LibraryDocument, data: dict[str, Any]) -> MediaConsent:
    if doc.kind not in MEDIA_KINDS:
        raise invalid(_("Consent is recorded for photos and videos."), "kind")
    subject = clean_name(str(data.get("subject_label") or ""))[:200]
    if not subject:
        raise invalid(_("Say who is shown."), "subject_label")
    scope = data.get("scope")
    if scope not in VISIBILITIES:
        raise invalid(_("Unknown visibility."), "scope")
    minor = bool(data.get("minor"))
    guardian = clean_name(str(data.get("guardian_label") or ""))[:200] or None
    if minor and not guardian:
        raise invalid(
            _("A minor's consent is given by a parent or guardian: name them."),
            "guardian_label",
            "guardian_required",
        )
    consent = MediaConsent(
        document=doc,
        subject_label=subject,
        minor=minor,
        guardian_label=guardian,
        scope=scope,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def withdraw_consent(doc: LibraryDocument, consent_id: int, now: dt.datetime | None = None) -> None:
    """Withdrawing drops a media item to private (administrators only) at once."""
    consent = next((c for c in doc.consents if c.id == consent_id), None)
    if consent is None:
        raise ApiError(404, "not_found", _("No such consent."))
    if consent.withdrawn_at is None:
        consent.withdrawn_at = now or utcnow()
        doc.visibility = "admins"
    db.session.flush()


# ---- authorisations ----------------------------------------------------------------------


def create_authorization(association_id: int, data: dict[str, Any]) -> Authorization:
    if data.get("kind") not in AUTHORIZATION_KINDS:
        raise invalid(_("Unknown kind of authorisation."), "kind")
    authority = clean_name(str(data.get("authority") or ""))[:200]
    reference = clean_name(str(data.get("reference") or ""))[:100]
    if not authority or not reference:
        raise invalid(_("The authority and the reference are required."), "authority")
    valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
    if not valid_from or not valid_to or valid_to < valid_from:
        raise invalid(_("The validity must end on or after its start."), "valid_to")
    if data.get("document_id"):
        own_document(association_id, data["document_id"])
    auth = Authorization(
        association_id=association_id,
        kind=data["kind"],
        authority=authority,
        reference=reference,
        scope=clean_name(str(data.get("scope") or ""))[:500],
        valid_from=valid_from,
        valid_to=valid_to,
        document_id=data.get("document_id"),
    )
    db.session.add(auth)
    db.session.flush()
    add_obligation(
        association_id,
        "authorization_expiring",
        valid_to,
        source=f"authorization:{auth.id}",
        title=reference,
        remind_days=[30],
    )
    return auth


# ---- the legal calendar -------------------------------------------------------------------

#: Obligation kind -> document kinds whose upload closes it.
CLOSED_BY = {
    "final_receipt": ("final_receipt",),
    "declare_change": ("provisional_receipt", "final_receipt"),
    "general_assembly": ("general_assembly_minutes",),
}


def add_obligation(
    association_id: int,
    kind: str,
    due_at: dt.date,
    *,
    source: str,
    title: str = "",
    remind_days: list[int] | None = None,
) -> Obligation:
    """Add (or move) a dated obligation: the hook other features use (``campaign_report``...).
    ``source`` names what it follows from; the same kind and source is never added twice."""
    same = select(Obligation).where(
        Obligation.association_id == association_id,
        Obligation.kind == kind,
        Obligation.source == source,
    )
    existing: Obligation | None = db.session.scalar(same)
    if existing is None:
        ob = Obligation(
            association_id=association_id,
            kind=kind,
            source=source,
            title=title[:200],
            due_at=due_at,
            remind_days=sorted(set(remind_days or []), reverse=True),
            status="open",
        )
        if insert_once(ob):
            return ob
        existing = db.session.scalars(same).one()  # added meanwhile by a concurrent request
    if existing.status == "open":
        existing.due_at = due_at
        db.session.flush()
    return existing


def fulfil_obligation(association_id: int, kind: str, source: str) -> bool:
    """Close the open obligation of ``kind`` and ``source`` as done, without a document."""
    ob: Obligation | None = db.session.scalar(
        select(Obligation).where(
            Obligation.association_id == association_id,
            Obligation.kind == kind,
            Obligation.source == source,
            Obligation.status == "open",
        )
    )
    if ob is None:
        return False
    ob.status = "done"
    ob.closed_at = utcnow()
    db.session.flush()
    return True


def derive_obligations(doc: LibraryDocument) -> None:
    """The obligations a new document starts (and those it closes)."""
    if doc.association_id is None:
        return
    aid = doc.association_id
    start = doc.valid_from or utcnow().date()
    open_kinds = set()
    for ob in db.session.scalars(
        select(Obligation).where(Obligation.association_id == aid, Obligation.status == "open")
    ):
        if doc.kind in CLOSED_BY.get(ob.kind, ()):
            _close(ob, doc)
        else:
            open_kinds.add(ob.kind)
    source = f"document:{doc.id}"
    if doc.kind == "provisional_receipt":
        add_obligation(
            aid,
            "final_receipt",
            start + dt.timedelta(days=60),
            source=source,
            title=_("Final receipt of the declaration expected"),
            remind_days=[15, 0],
        )
    elif doc.kind in ("statutes", "board_list") and "declare_change" not in open_kinds:
        # one declaration covers every change made before it
        add_obligation(
            aid,
            "declare_change",
            start + dt.timedelta(days=30),
            source=source,
            title=_("Declare the change of board or statutes to the authorities"),
            remind_days=[10],
        )
    elif doc.kind == "general_assembly_minutes":
        add_obligation(
            aid,
            "general_assembly",
            start + dt.timedelta(days=365),
            source=source,
            title=_("Hold the yearly general assembly"),
            remind_days=[30],
        )
    if doc.expires_at is not None:
        add_obligation(
            aid,
            "document_expiring",
            doc.expires_at,
            source=source,
            title=doc.title,
            remind_days=[30],
        )


def _close(ob: Obligation, doc: LibraryDocument) -> None:
    ob.status = "done"
    ob.document_id = doc.id
    ob.closed_at = utcnow()


def close_obligation(ob: Obligation, document_id: Any) -> Obligation:
    """Close with one of the association's own documents (another one's: 422)."""
    if ob.status != "open":
        raise ApiError(409, "not_open", _("This obligation is already closed."))
    doc = own_document(ob.association_id, document_id)
    _close(ob, doc)
    db.session.flush()
    return ob


def send_reminders(now: dt.datetime) -> int:
    """Remind the admins of obligations reaching a reminder day, and tell them once an
    obligation is overdue. ``notify`` never repeats a subject, so running again is harmless."""
    today = now.date()
    horizon = today + dt.timedelta(days=90)
    sent = 0
    rows = db.session.scalars(
        select(Obligation).where(Obligation.status == "open", Obligation.due_at <= horizon)
    )
    for ob in rows:
        admins = association_member_ids(ob.association_id, roles=("admin",))
        url = f"/associations/{ob.association_id}/library/calendar"
        if today > ob.due_at:
            sent += len(
                notify(
                    admins,
                    kind="library.overdue",
                    subject=f"library:obligation:{ob.id}:overdue",
                    text=_l("Overdue since %(date)s: %(title)s", date=ob.due_at, title=ob.title),
                    url=url,
                    data={"obligation_id": ob.id},
                )
            )
            continue
        due_days = [d for d in ob.remind_days if today >= ob.due_at - dt.timedelta(days=d)]
        if due_days:
            day = min(due_days)
            sent += len(
                notify(
                    admins,
                    kind="library.reminder",
                    subject=f"library:obligation:{ob.id}:remind:{day}",
                    text=_l("Due on %(date)s: %(title)s", date=ob.due_at, title=ob.title),
                    url=url,
                    data={"obligation_id": ob.id},
                )
            )
    return sent


# ---- retention ---------------------------------------------------------------------------


def expire_documents(model: type, now: dt.datetime) -> int:
    """Retention rule: documents past ``retention_until`` are deleted with their files."""
    docs = list(
        db.session.scalars(
            select(LibraryDocument).where(LibraryDocument.retention_until < now.date())
        )
    )
    if docs:
        ids = [d.id for d in docs]
        keys = list(
            db.session.scalars(
                select(DocumentVersion.storage_key).where(DocumentVersion.document_id.in_(ids))
            )
        )
        db.session.execute(delete(DocumentVersion).where(DocumentVersion.document_id.in_(ids)))
        db.session.execute(delete(MediaConsent).where(MediaConsent.document_id.in_(ids)))
        db.session.execute(delete(LibraryDocument).where(LibraryDocument.id.in_(ids)))
        enqueue(DOC_TYPE, ids)  # a bulk delete passes the search's flush hooks by
        _unlink_after_commit(keys)
    return len(docs)
