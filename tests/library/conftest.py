"""People and associations for the library tests, and small real files."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Executable, event

from app.accounts.models import User
from app.db import db
from library.demo import tiny_pdf, tiny_png
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory

PDF = tiny_pdf("Statuts de l'association")
PNG = tiny_png()


@dataclass
class World:
    a: Any
    b: Any
    outsider: User
    member: User
    assoc_admin: User
    other_admin: User
    platform_admin: User

    def people(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "member": self.member,
            "assoc_admin": self.assoc_admin,
            "other_admin": self.other_admin,
            "platform_admin": self.platform_admin,
        }


@pytest.fixture
def world(app) -> World:
    a = AssociationFactory(name="Association Al Amal")
    b = AssociationFactory(name="جمعية النور")
    member = UserFactory()
    assoc_admin = UserFactory()
    other_admin = UserFactory()
    MembershipFactory(association=a, user=member, role="member")
    MembershipFactory(association=a, user=assoc_admin, role="admin")
    MembershipFactory(association=b, user=other_admin, role="admin")
    return World(
        a=a,
        b=b,
        outsider=UserFactory(),
        member=member,
        assoc_admin=assoc_admin,
        other_admin=other_admin,
        platform_admin=UserFactory(is_admin=True),
    )


def upload(
    client: Any, association_id: int, data: bytes = PDF, name: str = "doc.pdf", **form: Any
) -> Any:
    fields = {"kind": "statutes", "title": "Statuts", "visibility": "members", **form}
    fields["file"] = (io.BytesIO(data), name)
    return client.post(
        f"/api/v1/associations/{association_id}/documents",
        data=fields,
        content_type="multipart/form-data",
    )


def stored_files(app: Any) -> list[Path]:
    root = Path(app.instance_path) / "uploads" / "library"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@contextmanager
def committed_meanwhile(table: str, *statements: Executable) -> Iterator[list[bool]]:
    """Run ``statements`` in another connection (committed) right after the next request's
    first SELECT from ``table``: what a concurrent request saving the same thing does. The
    twin of ``tests.forums.test_races.committed_meanwhile`` for more than one row."""
    fired: list[bool] = []

    def after(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        words = statement.lstrip().upper()
        if fired or not words.startswith("SELECT") or f"FROM {table.upper()}" not in words:
            return
        fired.append(True)
        with db.engine.connect() as other:
            for stmt in statements:
                other.execute(stmt)
            other.commit()

    db.session.commit()  # the test's own session holds no lock
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield fired
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    db.session.expire_all()
