"""The handover pack: what a new board needs, built in one action.

A ZIP archive with ``handover.pdf`` first (the association, its board and contacts, every
document with its checksum, the open obligations and the authorisations, in the language of
the person who builds it), then the current file of each document (``documents/<kind>/...``;
photos and videos stay out: the people in them consented to a use, not to a handover) and a
``SHA256SUMS`` file. The archive is kept as a new version of the association's
"Handover pack" document, visible to its administrators only, so the next board finds it in
the library and each build stays on record. Services flush; the edge commits.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.api import ApiError
from app.db import db, insert_once, utcnow
from app.pdf import PdfDocument
from directory import association_member_ids, get_association
from library import queries, services
from library.labels import AUTHORIZATION_LABELS, KIND_LABELS, STATUS_LABELS, obligation_label
from library.models import KINDS, MEDIA_KINDS, LibraryDocument, Obligation

KIND = "handover_pack"
ARCHIVE_MIME = "application/zip"
SUMMARY_NAME = "handover.pdf"
ROLE_LABELS = {"admin": _l("Administrator"), "coordinator": _l("Coordinator")}
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def pack_document(association_id: int) -> LibraryDocument | None:
    """The association's handover pack document, if one was ever built."""
    return db.session.scalar(
        select(LibraryDocument)
        .where(LibraryDocument.association_id == association_id, LibraryDocument.kind == KIND)
        .order_by(LibraryDocument.id)
        .limit(1)
    )


def _archive_name(doc: LibraryDocument, filename: str) -> str:
    safe = _UNSAFE.sub("-", filename).strip("-.") or "file"
    return f"documents/{doc.kind}/{doc.id}-{safe}"


def _contents(association_id: int) -> tuple[list[LibraryDocument], list[Obligation], list[Any]]:
    docs = [
        d
        for d in db.session.scalars(
            select(LibraryDocument)
            .where(
                LibraryDocument.association_id == association_id,
                LibraryDocument.kind.not_in((KIND, *MEDIA_KINDS)),
            )
            .options(selectinload(LibraryDocument.versions))
        )
        if d.current is not None
    ]
    rank = {kind: i for i, kind in enumerate(KINDS)}  # the legal life first, as KINDS lists it
    docs.sort(key=lambda d: (rank[d.kind], d.title, d.id))
    obligations = [ob for ob in queries.obligations_of(association_id) if ob.status == "open"]
    return docs, obligations, queries.authorizations_of(association_id)


def _board(association_id: int) -> list[tuple[str, str]]:
    rows = []
    for role in ("admin", "coordinator"):
        ids = association_member_ids(association_id, roles=(role,))
        users = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
        for user in sorted(users, key=lambda u: u.display_name.casefold()):
            rows.append((user.display_name, str(ROLE_LABELS[role])))
    return rows


def _day(value: dt.date | None) -> str:
    return format_date(value, "medium") if value else "—"


def summary_pdf(
    association_id: int,
    docs: list[LibraryDocument],
    obligations: list[Obligation],
    authorizations: list[Any],
    files: dict[int, str],
    failed: list[LibraryDocument],
    built_by: str,
    today: dt.date,
) -> bytes:
    """The pack's first page onwards, in the builder's language."""
    association = get_association(association_id)
    name = association.name if association else str(association_id)
    pdf = PdfDocument(
        _("Handover pack — %(name)s", name=name), rtl=str(get_locale()) == "ar", subject=name
    )
    pdf.heading(_("Handover pack"), 1)
    pdf.paragraph(name, 14, bold=True)
    pdf.muted(_("Built on %(date)s by %(name)s.", date=_day(today), name=built_by))
    pdf.paragraph(
        _(
            "Everything the association keeps in jam3ia for its next board: its documents, "
            "the obligations still open and its authorisations. The files are in the archive "
            "beside this PDF."
        )
    )

    pdf.heading(_("The association"))
    if association is not None:
        place = association.city.label(str(get_locale())) if association.city else ""
        lines = [
            (_("Name"), association.name),
            (_("City"), place),
            (_("Address"), association.address),
            (_("Email"), association.email),
            (_("Phone"), association.phone),
            (_("Website"), association.website),
            (_("Founded"), str(association.founded_year or "")),
            (_("Members"), str(association.member_count)),
        ]
        pdf.table([_("Field"), _("Value")], [(k, v) for k, v in lines if v], widths=(45, 135))

    pdf.heading(_("Board and contacts"))
    board = _board(association_id)
    if board:
        pdf.table([_("Name"), _("Role")], board, widths=(110, 70))
    else:
        pdf.paragraph(_("No administrator is recorded."))

    pdf.heading(_("Documents"))
    if docs:
        rows = []
        for doc in docs:
            current = doc.current
            assert current is not None
            rows.append(
                (
                    str(KIND_LABELS.get(doc.kind, doc.kind)),
                    doc.title,
                    f"v{current.number} · {_day(current.created_at.date())}",
                    files.get(doc.id) or _("not included: the stored file failed its check"),
                )
            )
        pdf.table(
            [_("Kind"), _("Title"), _("Version"), _("File in the archive")],
            rows,
            widths=(38, 52, 32, 58),
            size=8.5,
        )
    else:
        pdf.paragraph(_("The association has no document in the library yet."))
    if failed:
        pdf.paragraph(
            ngettext(
                "%(num)d file changed or lost in storage could not be included; the "
                "administrators were told.",
                "%(num)d files changed or lost in storage could not be included; the "
                "administrators were told.",
                len(failed),
            ),
            bold=True,
        )

    pdf.heading(_("Open obligations"))
    if obligations:
        pdf.table(
            [_("Obligation"), _("Due"), _("Status")],
            [
                (obligation_label(ob), _day(ob.due_at), str(STATUS_LABELS[ob.state(today)]))
                for ob in obligations
            ],
            widths=(110, 40, 30),
        )
    else:
        pdf.paragraph(_("No obligation is open."))

    pdf.heading(_("Authorisations"))
    if authorizations:
        pdf.table(
            [_("Kind"), _("Authority"), _("Reference"), _("Valid")],
            [
                (
                    str(AUTHORIZATION_LABELS.get(a.kind, a.kind)),
                    a.authority,
                    a.reference,
                    f"{_day(a.valid_from)} – {_day(a.valid_to)}",
                )
                for a in authorizations
            ],
            widths=(45, 45, 35, 55),
        )
    else:
        pdf.paragraph(_("No authorisation is recorded."))
    return pdf.output()


def build_pack(actor: User, association_id: int) -> LibraryDocument:
    """Build the pack now and keep it as the next version of the association's handover pack
    document (created the first time)."""
    docs, obligations, authorizations = _contents(association_id)
    today = utcnow().date()
    archive = io.BytesIO()
    files: dict[int, str] = {}
    failed: list[LibraryDocument] = []
    sums: list[str] = []
    contents: list[tuple[str, bytes]] = []
    for doc in docs:
        current = doc.current
        assert current is not None
        try:
            data = queries.read_version(doc, current.number)[1]
        except ApiError:
            failed.append(doc)  # read_version logged it
            continue
        name = _archive_name(doc, current.filename)
        files[doc.id] = name
        contents.append((name, data))
        sums.append(f"{current.sha256}  {name}")
    summary = summary_pdf(
        association_id, docs, obligations, authorizations, files, failed, actor.display_name, today
    )
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(SUMMARY_NAME, summary)
        for name, data in contents:
            zf.writestr(name, data)
        zf.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    pack = pack_document(association_id)
    if pack is None:
        first = LibraryDocument(
            association_id=association_id,
            kind=KIND,
            title=str(_("Handover pack")),
            language=str(get_locale() or "ar")[:5],
            visibility="admins",
            tags=[],
            created_by_id=actor.id,
        )
        # a build that ran at the same time made it first: this archive is its next version
        pack = first if insert_once(first) else pack_document(association_id)
        assert pack is not None
    filename = f"handover-{association_id}-{today.isoformat()}.zip"
    services.append_built_version(actor, pack, filename, ARCHIVE_MIME, archive.getvalue())
    return pack


def read_summary(doc: LibraryDocument, number: int) -> bytes:
    """The PDF inside a stored pack (the archive's checksum is checked first)."""
    if doc.kind != KIND:
        raise ApiError(404, "not_found", _("No such version."))
    data = queries.read_version(doc, number)[1]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(SUMMARY_NAME)
