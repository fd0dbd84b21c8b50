"""People and associations for the library tests, and small real files."""

from __future__ import annotations

import html as html_lib
import io
import re
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


def reason_beside(html: str, control_id: str) -> str:
    """The reason a refused form shows beside its control ``control_id``, which points at it
    (``aria-describedby``); fails when there is none."""
    found = re.search(rf'<p class="field-error" id="{control_id}-error">(.*?)</p>', html, re.S)
    assert found, f"no reason beside #{control_id}"
    control = re.search(
        rf'<(?:input|select|textarea|fieldset)\b[^>]*\bid="{control_id}"[^>]*>', html
    )
    assert control, f"no control #{control_id}"
    assert re.search(rf'aria-describedby="[^"]*\b{control_id}-error\b', control.group(0)), (
        f"#{control_id} does not point at its reason"
    )
    return html_lib.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def selected(html: str, select_id: str) -> list[str]:
    """The values chosen in the select ``select_id`` as the page draws it."""
    found = re.search(rf'<select\b[^>]*\bid="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select #{select_id}"
    options = re.findall(r"<option\b[^>]*>", found.group(1))
    return [
        html_lib.unescape(re.search(r'value="([^"]*)"', o).group(1))  # type: ignore[union-attr]
        for o in options
        if re.search(r"\bselected\b", o)
    ]
