"""Directory test helpers: reference data and associations created through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.accounts.models import User
from app.db import db
from directory import load_reference_data
from directory.models import Association
from directory.services import create_association, decide_association
from tests.factories import UserFactory


@pytest.fixture
def ref(app: Flask) -> None:
    load_reference_data()


@pytest.fixture
def make_assoc(ref: None) -> Callable[..., Association]:
    """Register an association (its creator becomes admin) and approve it (by default)."""

    def make(
        name: str, status: str = "approved", creator: User | None = None, **data: Any
    ) -> Association:
        creator = creator or UserFactory()
        if "fields" in data:
            data["field_codes"] = data.pop("fields")
        assoc = create_association(creator, {"name": name, **data})
        db.session.commit()  # the test is the edge
        if status == "approved":
            decide_association(None, assoc, "approve")
            db.session.commit()  # the test is the edge
        elif status in ("rejected", "suspended"):
            decide_association(None, assoc, "approve" if status == "suspended" else "reject")
            db.session.commit()  # the test is the edge
            if status == "suspended":
                decide_association(None, assoc, "suspend")
                db.session.commit()  # the test is the edge
        return assoc

    return make
