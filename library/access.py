"""Who may see and manage library items: the only way to load one.

- A document's ``visibility``: ``admins`` (the association's administrators), ``members``
  (any approved member), ``network`` (anyone signed in), ``public`` (anybody). Network-wide
  documents (no association) are managed by platform administrators; their ``admins`` and
  ``members`` visibilities mean platform administrators only.
- Managing (upload, edit, consents, authorisations, obligations): the association's
  administrators and platform administrators.

An item the actor may not see answers 404; one they may see but not manage answers 403.
"""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import gettext as _

from app.api import ApiError, not_found
from app.db import db
from directory import get_association, membership_role
from library.models import LibraryDocument, Obligation

Need = Literal["view", "manage"]


def role_in(actor: Any, association_id: int | None) -> str | None:
    if actor is None or association_id is None:
        return None
    return membership_role(actor.id, association_id)


def may_view(actor: Any, doc: LibraryDocument) -> bool:
    if doc.visibility == "public":
        return True
    if actor is None:
        return False
    if actor.is_admin or doc.visibility == "network":
        return True
    role = role_in(actor, doc.association_id)
    if doc.visibility == "members":
        return role is not None
    return role == "admin"


def may_manage_association(actor: Any, association_id: int | None) -> bool:
    if actor is None:
        return False
    if actor.is_admin:
        return True
    if association_id is None or role_in(actor, association_id) != "admin":
        return False
    assoc = get_association(association_id)
    return assoc is not None and assoc.status != "suspended"


def access_document(actor: Any, document_id: int, need: Need = "view") -> LibraryDocument:
    """The document if ``actor`` may ``need`` it; 404 when they may not see it, else 403."""
    doc = db.session.get(LibraryDocument, document_id)
    if doc is None or not may_view(actor, doc):
        raise not_found(_("No such document."))
    if need == "manage" and not may_manage_association(actor, doc.association_id):
        raise ApiError(403, "forbidden", _("Only the association's administrators can do this."))
    return doc


def access_library(actor: Any, association_id: int, need: Need = "view") -> int:
    """An association's library: anyone may look (they see what visibility allows), only its
    administrators manage. 404 for a missing association."""
    if get_association(association_id) is None:
        raise not_found(_("No such association."))
    if need == "manage" and not may_manage_association(actor, association_id):
        if actor is None:
            raise ApiError(401, "unauthorized", _("Please sign in."))
        raise ApiError(403, "forbidden", _("Only the association's administrators can do this."))
    return association_id


def access_calendar(actor: Any, association_id: int) -> int:
    """The legal calendar and authorisations: the association's members and platform admins
    (404 for anybody else)."""
    if get_association(association_id) is None or actor is None:
        raise not_found(_("No such association."))
    if not actor.is_admin and role_in(actor, association_id) is None:
        raise not_found(_("No such association."))
    return association_id


def access_obligation(actor: Any, obligation_id: int) -> Obligation:
    ob = db.session.get(Obligation, obligation_id)
    if ob is None:
        raise not_found(_("No such obligation."))
    access_calendar(actor, ob.association_id)
    if not may_manage_association(actor, ob.association_id):
        raise ApiError(403, "forbidden", _("Only the association's administrators can do this."))
    return ob


def visible_levels(actor: Any, association_id: int | None) -> tuple[str, ...]:
    """The visibilities of ``association_id``'s documents ``actor`` sees."""
    if actor is None:
        return ("public",)
    if actor.is_admin:
        return ("admins", "members", "network", "public")
    role = role_in(actor, association_id)
    if role == "admin":
        return ("admins", "members", "network", "public")
    if role is not None:
        return ("members", "network", "public")
    return ("network", "public")
