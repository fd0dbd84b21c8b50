"""The directory's public API used by forums, messaging and projects."""

from __future__ import annotations

from flask import Flask

import directory
from app.db import db
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory


def test_reference_data_loads_idempotently(app: Flask) -> None:
    directory.load_reference_data()
    fields = directory.list_fields()
    assert len(fields) >= 20
    directory.load_reference_data()
    assert len(directory.list_fields()) == len(fields)
    education = next(f for f in fields if f.code == "education")
    assert directory.get_field(education.id) is education
    assert education.label("ar") == "التربية والتعليم"
    assert education.label("fr").startswith("Éducation")
    assert education.label("en") == "Education"
    assert directory.get_field(10_000) is None


def test_roles_and_memberships(app: Flask) -> None:
    assoc = AssociationFactory(name="Association Annour")
    other = AssociationFactory(name="Amal")
    admin = MembershipFactory(association=assoc, role="admin")
    member = MembershipFactory(association=assoc, role="member")
    pending = MembershipFactory(association=assoc, role="member", status="pending")
    MembershipFactory(association=other, user=admin.user, role="coordinator")
    outsider = UserFactory()

    assert directory.ROLES == ("admin", "coordinator", "member")
    assert directory.get_association(assoc.id) is assoc
    assert directory.get_association(99_999) is None
    assert directory.membership_role(admin.user_id, assoc.id) == "admin"
    assert directory.membership_role(member.user_id, assoc.id) == "member"
    assert directory.membership_role(pending.user_id, assoc.id) is None
    assert directory.membership_role(outsider.id, assoc.id) is None
    assert directory.association_member_ids(assoc.id) == sorted([admin.user_id, member.user_id])
    assert directory.association_member_ids(assoc.id, roles=("admin",)) == [admin.user_id]
    infos = directory.user_memberships(admin.user_id)
    assert infos == [
        directory.MembershipInfo(other.id, "Amal", "coordinator"),
        directory.MembershipInfo(assoc.id, "Association Annour", "admin"),
    ]
    assert directory.user_memberships(pending.user_id) == []
    db.session.rollback()
