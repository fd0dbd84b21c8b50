"""Who may read and edit a knowledge page: the only way to load one.

- Read, by ``visibility``: ``public`` everybody; ``network`` every signed-in person;
  ``members`` members (any approved role) of the page's association (for a network-wide page:
  every signed-in person); ``admins`` the association's admins and coordinators (network-wide:
  platform administrators). Platform administrators read everything.
- Edit: network-wide pages, platform administrators only; an association's pages, its admins
  and coordinators (and platform administrators).

A page the actor may not read answers 404; one they may read but not edit answers 403.
"""

from __future__ import annotations

from typing import Literal

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from app.accounts.models import User
from app.api import ApiError, not_found
from app.db import db
from directory import membership_role, user_memberships
from library.knowledge.models import KnowledgePage

Need = Literal["view", "edit"]
EDITOR_ROLES = ("admin", "coordinator")


def may_write(actor: User | None, association_id: int | None) -> bool:
    """May ``actor`` create or edit pages of ``association_id`` (None: network-wide)?"""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    if association_id is None:
        return False
    return membership_role(actor.id, association_id) in EDITOR_ROLES


def may_view(actor: User | None, page: KnowledgePage) -> bool:
    if page.visibility == "public" or (actor is not None and actor.is_admin):
        return True
    if actor is None:
        return False
    if page.visibility == "network":
        return True
    if page.association_id is None:
        return page.visibility == "members"
    role = membership_role(actor.id, page.association_id)
    if page.visibility == "members":
        return role is not None
    return role in EDITOR_ROLES


def access_page(actor: User | None, page_id: int, need: Need = "view") -> KnowledgePage:
    page = db.session.get(KnowledgePage, page_id)
    if page is None or not may_view(actor, page):
        raise not_found()
    if need == "edit" and not may_write(actor, page.association_id):
        raise ApiError(403, "forbidden", _("You may not edit this page."))
    return page


def visible_pages(actor: User | None) -> Select[tuple[KnowledgePage]]:
    """Pages ``actor`` may read, most recently updated first."""
    query = select(KnowledgePage).order_by(KnowledgePage.updated_at.desc(), KnowledgePage.id)
    if actor is not None and actor.is_admin:
        return query
    if actor is None:
        return query.where(KnowledgePage.visibility == "public")
    memberships = user_memberships(actor.id)
    member_of = [m.association_id for m in memberships]
    staff_of = [m.association_id for m in memberships if m.role in EDITOR_ROLES]
    return query.where(
        or_(
            KnowledgePage.visibility.in_(("public", "network")),
            (KnowledgePage.association_id.is_(None)) & (KnowledgePage.visibility == "members"),
            (KnowledgePage.visibility == "members") & KnowledgePage.association_id.in_(member_of),
            (KnowledgePage.visibility == "admins") & KnowledgePage.association_id.in_(staff_of),
        )
    )
