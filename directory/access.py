"""``access_association``: the only way to load an association for an actor.

Needs: ``view`` (approved ones: anyone; others: their members and platform admins),
``edit`` and ``manage`` (association admins and platform admins), ``moderate`` (platform
admins). An association the actor may not even see answers 404; one they see but may not
change answers 403.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from flask_babel import gettext as _

from app.api import ApiError, not_found
from app.db import db
from app.memo import per_request
from directory.models import Association, Membership

Need = Literal["view", "edit", "manage", "moderate"]


def _membership(actor: Any, association_id: int) -> Membership | None:
    return None if actor is None else membership(actor.id, association_id)


@per_request
def membership(user_id: int, association_id: int) -> Membership | None:
    """``user_id``'s membership row in the association (any status), if any; asked once per
    page however many checks ask it."""
    return (
        db.session.query(Membership)
        .filter_by(association_id=association_id, user_id=user_id)
        .one_or_none()
    )


def can_view(actor: Any, assoc: Association) -> bool:
    if assoc.status == "approved":
        return True
    if actor is None:
        return False
    if actor.is_admin:
        return True
    membership = _membership(actor, assoc.id)
    return membership is not None and membership.status == "approved"


def is_association_admin(actor: Any, assoc: Association) -> bool:
    if actor is None:
        return False
    membership = _membership(actor, assoc.id)
    return membership is not None and membership.status == "approved" and membership.role == "admin"


def may_manage(actor: Any, assoc: Association) -> bool:
    """Platform admins and the association's admins: they read join requests' messages."""
    return actor is not None and (actor.is_admin or is_association_admin(actor, assoc))


def can_see_members(actor: Any, assoc: Association) -> bool:
    """Whether ``actor`` may read the member list (``members_visibility``)."""
    if assoc.members_visibility != "members":
        return True
    if actor is None:
        return False
    if actor.is_admin:
        return True
    membership = _membership(actor, assoc.id)
    return membership is not None and membership.status == "approved"


def check_members_visible(actor: Any, assoc: Association) -> None:
    """401/403 when the member list is for members only and ``actor`` is not one."""
    if can_see_members(actor, assoc):
        return
    if actor is None:
        raise ApiError(401, "unauthorized", _("Please sign in."))
    raise ApiError(
        403, "members_only", _("Only the members of this association can see its members.")
    )


def access_association(
    actor: Any, association_id: int, need: Need = "view", load: Sequence[Any] = ()
) -> Association:
    """The association if ``actor`` may ``need`` it; raises 404 (cannot see) or 403. ``load``:
    loader options for what the caller will read (its place, its fields)."""
    assoc = db.session.get(Association, association_id, options=load)
    if assoc is None or not can_view(actor, assoc):
        raise not_found(_("No such association."))
    if need == "view":
        return assoc
    if actor is None:
        raise ApiError(401, "unauthorized", _("Please sign in."))
    if need == "moderate":
        if not actor.is_admin:
            raise ApiError(403, "forbidden", _("Only platform administrators can do this."))
        return assoc
    if actor.is_admin or is_association_admin(actor, assoc):
        if assoc.status == "suspended" and not actor.is_admin:
            raise ApiError(403, "suspended", _("This association is suspended."))
        return assoc
    raise ApiError(403, "forbidden", _("Only the association's administrators can do this."))
