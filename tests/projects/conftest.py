"""Shared people and associations for the projects tests.

``world`` holds two owning associations (A, B), one non-owning (C) and a person in each role
of the access matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.accounts.models import User
from tests.support import world as make


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
    member = make.person("Member Mina")
    coordinator = make.person("Coordinator Karim")
    assoc_admin = make.person("Admin Badr")
    other_admin = make.person("Admin of C")
    return World(
        a=make.association("Association Al Amal", member=member, coordinator=coordinator),
        b=make.association("جمعية النور", admin=assoc_admin),
        c=make.association("Outsiders United", admin=other_admin),
        outsider=make.person(),
        member=member,
        coordinator=coordinator,
        assoc_admin=assoc_admin,
        other_admin=other_admin,
        platform_admin=make.person(is_admin=True),
    )
