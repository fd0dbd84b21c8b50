"""Library documents, versions, consents, authorisations and obligations as API dictionaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.db import utcnow
from library.models import Authorization, DocumentVersion, LibraryDocument, MediaConsent, Obligation


def serialize_version(v: DocumentVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "sha256": v.sha256,
        "size": v.size,
        "mime": v.mime,
        "filename": v.filename,
        "created_at": v.created_at,
    }


def serialize_document(doc: LibraryDocument) -> dict[str, Any]:
    current = doc.current
    return {
        "id": doc.id,
        "association_id": doc.association_id,
        "kind": doc.kind,
        "title": doc.title,
        "language": doc.language,
        "tags": doc.tags or [],
        "visibility": doc.visibility,
        "valid_from": doc.valid_from,
        "expires_at": doc.expires_at,
        "retention_until": doc.retention_until,
        "created_at": doc.created_at,
        "current_version": serialize_version(current) if current else None,
    }


def serialize_consent(c: MediaConsent) -> dict[str, Any]:
    return {
        "id": c.id,
        "minor": c.minor,
        "scope": c.scope,
        "created_at": c.created_at,
        "withdrawn_at": c.withdrawn_at,
    }


def serialize_authorization(a: Authorization) -> dict[str, Any]:
    return {
        "id": a.id,
        "association_id": a.association_id,
        "kind": a.kind,
        "authority": a.authority,
        "reference": a.reference,
        "scope": a.scope,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "document_id": a.document_id,
        "valid_today": a.valid_from <= utcnow().date() <= a.valid_to,
    }


def serialize_obligation(ob: Obligation, on: dt.date) -> dict[str, Any]:
    return {
        "id": ob.id,
        "association_id": ob.association_id,
        "kind": ob.kind,
        "title": ob.title,
        "due_at": ob.due_at,
        "status": ob.state(on),
        "document_id": ob.document_id,
    }
