"""Directory: associations by field, place and size; memberships; reference data.

Public API (the only names other features may import, see docs/architecture.md):
``ROLES``, ``Association``, ``Field``, ``City``, ``Province``, ``Region`` (reference data, read
only),
``MembershipInfo``, ``get_association``, ``approved_association_roles``,
``get_associations``, ``membership_role``, ``user_memberships``, ``association_member_ids``,
``member_ids_select``,
``list_fields``, ``get_field``, ``load_reference_data``, ``share_an_association``,
``member_list_visible``.
``membership_changed`` (app.signals) is sent inside the transaction that removes a member or
changes their role: receivers queue what must wait for the commit (``app.db.after_commit``).
"""

from __future__ import annotations

from flask import Flask

from directory.models import ROLES, Association, City, Field, Province, Region
from directory.queries import (
    MembershipInfo,
    approved_association_roles,
    association_member_ids,
    get_association,
    get_associations,
    get_field,
    list_fields,
    member_ids_select,
    member_list_visible,
    membership_role,
    share_an_association,
    user_memberships,
)
from directory.reference import load_reference_data


def register(app: Flask) -> None:
    """Plug the directory into the app: API, pages, search, CLI, /me section."""
    from directory.setup import setup

    setup(app)


__all__ = [
    "ROLES",
    "Association",
    "City",
    "Field",
    "MembershipInfo",
    "Province",
    "Region",
    "approved_association_roles",
    "association_member_ids",
    "get_association",
    "get_associations",
    "get_field",
    "list_fields",
    "load_reference_data",
    "member_ids_select",
    "member_list_visible",
    "membership_role",
    "register",
    "share_an_association",
    "user_memberships",
]
