"""Shared people and associations for the projects tests.

``world`` holds two owning associations (A, B), one non-owning (C) and a person in each role
of the access matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.accounts.models import User
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory


@dataclass
class World:
    a: object
    b: object
    c: object
    outsider: User
    member: User
    coordinator: User
    assoc_admin: User
    other_admin: User
    platform_admin: User

    def people(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "member": self.member,
            "coordinator": self.coordinator,
            "assoc_admin": self.assoc_admin,
            "other_admin": self.other_admin,
            "platform_admin": self.platform_admin,
        }


@pytest.fixture
def world(app) -> World:
    a = AssociationFactory(name="Association Al Amal")
    b = AssociationFactory(name="جمعية النور")
    c = AssociationFactory(name="Outsiders United")
    member = UserFactory(display_name="Member Mina")
    coordinator = UserFactory(display_name="Coordinator Karim")
    assoc_admin = UserFactory(display_name="Admin Badr")
    other_admin = UserFactory(display_name="Admin of C")
    MembershipFactory(association=a, user=member, role="member")
    MembershipFactory(association=a, user=coordinator, role="coordinator")
    MembershipFactory(association=b, user=assoc_admin, role="admin")
    MembershipFactory(association=c, user=other_admin, role="admin")
    return World(
        a=a,
        b=b,
        c=c,
        outsider=UserFactory(),
        member=member,
        coordinator=coordinator,
        assoc_admin=assoc_admin,
        other_admin=other_admin,
        platform_admin=UserFactory(is_admin=True),
    )
