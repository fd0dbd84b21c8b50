"""JSON endpoints of the library: ``access_*`` then ``services.*``, one transaction each
(``@transactional``)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_babel import gettext as _

from app.accounts.auth import get_current_user, require_user
from app.api import ApiError, make_blueprint
from app.db import transactional, utcnow
from app.limits import rate_limit
from app.security import talisman
from library import access, services
from library.download import PREVIEW_CSP, file_response
from library.handover import build_pack, read_summary
from library.queries import authorizations_of, documents_of, obligations_of
from library.schemas import (
    AuthorizationSchema,
    CloseSchema,
    ConsentSchema,
    DocumentMetaSchema,
    load,
)
from library.serialize import (
    serialize_authorization,
    serialize_consent,
    serialize_document,
    serialize_obligation,
    serialize_version,
)
from library.uploads import uploaded_file

blp = make_blueprint("library", __name__, "Library: documents, consent, authorisations, calendar")


def body() -> dict[str, Any]:
    return request.get_json(silent=True) or {}


@blp.route("/associations/<int:association_id>/documents")
def list_documents(association_id: int) -> dict[str, Any]:
    """The association's documents the caller may see."""
    actor = get_current_user()
    access.access_library(actor, association_id)
    return {"items": [serialize_document(d) for d in documents_of(actor, association_id)]}


@blp.route("/associations/<int:association_id>/documents", methods=["POST"])
@rate_limit("library_write")
@transactional
def upload_document(association_id: int) -> tuple[dict[str, Any], int]:
    """Upload a document (multipart: ``file``, ``kind``, ``title``, ``visibility``...)."""
    actor = require_user()
    access.access_library(actor, association_id, "manage")
    filename, content = uploaded_file()
    meta = load(DocumentMetaSchema, request.form)
    if "tags" in request.form:
        meta["tags"] = request.form.get("tags", "")
    doc = services.create_document(actor, association_id, meta, filename, content)
    return serialize_document(doc), 201


@blp.route("/documents", methods=["GET"])
def network_documents() -> dict[str, Any]:
    """Network-wide documents the caller may see."""
    actor = get_current_user()
    return {"items": [serialize_document(d) for d in documents_of(actor, None)]}


@blp.route("/documents", methods=["POST"])
@rate_limit("library_write")
@transactional
def upload_network_document() -> tuple[dict[str, Any], int]:
    """A network-wide document (platform administrators)."""
    actor = require_user()
    if not actor.is_admin:
        raise ApiError(403, "forbidden", _("Only platform administrators can do this."))
    filename, content = uploaded_file()
    meta = load(DocumentMetaSchema, request.form)
    doc = services.create_document(actor, None, meta, filename, content)
    return serialize_document(doc), 201


@blp.route("/documents/<int:document_id>")
def get_document(document_id: int) -> dict[str, Any]:
    actor = get_current_user()
    doc = access.access_document(actor, document_id)
    data = serialize_document(doc)
    if access.may_manage_association(actor, doc.association_id):
        data["consents"] = [serialize_consent(c) for c in doc.consents]
    return data


@blp.route("/documents/<int:document_id>", methods=["PATCH"])
@rate_limit("library_write")
@transactional
def patch_document(document_id: int) -> dict[str, Any]:
    doc = access.access_document(require_user(), document_id, "manage")
    services.update_document(doc, load(DocumentMetaSchema, body(), partial=True))
    return serialize_document(doc)


@blp.route("/documents/<int:document_id>", methods=["DELETE"])
@rate_limit("library_write")
@transactional
def delete_document(document_id: int) -> tuple[str, int]:
    doc = access.access_document(require_user(), document_id, "manage")
    services.delete_document(doc)
    return "", 204


@blp.route("/documents/<int:document_id>/versions")
def list_versions(document_id: int) -> dict[str, Any]:
    doc = access.access_document(get_current_user(), document_id)
    return {"items": [serialize_version(v) for v in doc.versions]}


@blp.route("/documents/<int:document_id>/versions", methods=["POST"])
@rate_limit("library_write")
@transactional
def post_version(document_id: int) -> tuple[dict[str, Any], int]:
    actor = require_user()
    doc = access.access_document(actor, document_id, "manage")
    filename, content = uploaded_file()
    version = services.add_version(actor, doc, filename, content)
    return serialize_version(version), 201


@blp.route("/documents/<int:document_id>/versions/<int:number>/file")
@talisman(content_security_policy=PREVIEW_CSP, content_security_policy_nonce_in=[])
def version_file(document_id: int, number: int) -> Response:
    doc = access.access_document(get_current_user(), document_id)
    return file_response(doc, number, inline=request.args.get("inline") == "1")


@blp.route("/documents/<int:document_id>/versions/<int:number>/summary")
@talisman(content_security_policy=PREVIEW_CSP, content_security_policy_nonce_in=[])
def version_summary(document_id: int, number: int) -> Response:
    """The PDF summary inside a handover pack's archive (checksum checked first)."""
    doc = access.access_document(get_current_user(), document_id)
    response = Response(read_summary(doc, number), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="handover-{document_id}-{number}.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/associations/<int:association_id>/handover", methods=["POST"])
@rate_limit("library_write")
@transactional
def post_handover(association_id: int) -> tuple[dict[str, Any], int]:
    """Build the association's handover pack now: a new version of its "handover_pack"
    document (a ZIP: ``handover.pdf``, the documents' current files, ``SHA256SUMS``)."""
    actor = require_user()
    access.access_library(actor, association_id, "manage")
    pack = build_pack(actor, association_id)
    return serialize_document(pack), 201


@blp.route("/documents/<int:document_id>/consents", methods=["POST"])
@rate_limit("library_write")
@transactional
def post_consent(document_id: int) -> tuple[dict[str, Any], int]:
    actor = require_user()
    doc = access.access_document(actor, document_id, "manage")
    consent = services.add_consent(actor, doc, load(ConsentSchema, body()))
    return serialize_consent(consent), 201


@blp.route("/documents/<int:document_id>/consents/<int:consent_id>", methods=["DELETE"])
@rate_limit("library_write")
@transactional
def withdraw_consent(document_id: int, consent_id: int) -> dict[str, Any]:
    doc = access.access_document(require_user(), document_id, "manage")
    services.withdraw_consent(doc, consent_id)
    return serialize_document(doc)


@blp.route("/associations/<int:association_id>/authorizations")
def list_authorizations(association_id: int) -> dict[str, Any]:
    access.access_calendar(get_current_user(), association_id)
    return {"items": [serialize_authorization(a) for a in authorizations_of(association_id)]}


@blp.route("/associations/<int:association_id>/authorizations", methods=["POST"])
@rate_limit("library_write")
@transactional
def post_authorization(association_id: int) -> tuple[dict[str, Any], int]:
    access.access_library(require_user(), association_id, "manage")
    auth = services.create_authorization(association_id, load(AuthorizationSchema, body()))
    return serialize_authorization(auth), 201


@blp.route("/associations/<int:association_id>/obligations")
def list_obligations(association_id: int) -> dict[str, Any]:
    """The legal calendar: ``{kind, due_at, status: open|done|overdue|waived}``."""
    access.access_calendar(get_current_user(), association_id)
    today = utcnow().date()
    return {"items": [serialize_obligation(o, today) for o in obligations_of(association_id)]}


@blp.route("/obligations/<int:obligation_id>/close", methods=["POST"])
@rate_limit("library_write")
@transactional
def close_obligation(obligation_id: int) -> dict[str, Any]:
    """Close an obligation with one of the association's own documents."""
    ob = access.access_obligation(require_user(), obligation_id)
    services.close_obligation(ob, load(CloseSchema, body())["document_id"])
    return serialize_obligation(ob, utcnow().date())
