"""People and associations for the library tests, and small real files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.accounts.models import User
from library.demo import tiny_pdf, tiny_png
from tests.support import world as make

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
    member = make.person()
    assoc_admin = make.person()
    other_admin = make.person()
    return World(
        a=make.association("Association Al Amal", member=member, admin=assoc_admin),
        b=make.association("جمعية النور", admin=other_admin),
        outsider=make.person(),
        member=member,
        assoc_admin=assoc_admin,
        other_admin=other_admin,
        platform_admin=make.person(is_admin=True),
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
