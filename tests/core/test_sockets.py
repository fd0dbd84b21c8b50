"""app.sockets: the guard every namespace's events go through (one transaction per event,
translated refusals, the payload checks), driven directly on a stand-in namespace."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from app.accounts.models import User
from app.api import ApiError
from app.db import after_commit, db
from app.sockets import Ack, handler, int_field, ok
from tests.factories import UserFactory


class _Namespace:
    """What :func:`app.sockets.handler` needs of a namespace: the socket's current user."""

    def __init__(self, user: User | None) -> None:
        self.user_id = user.id if user is not None else None
        self.ran_after_commit: list[str] = []

    def user(self) -> User | None:
        return db.session.get(User, self.user_id) if self.user_id is not None else None

    @handler
    def on_rename(self, user: User, data: dict[str, Any]) -> Ack:
        user.display_name = str(data.get("name"))
        after_commit(lambda: self.ran_after_commit.append(user.display_name))
        if data.get("refuse"):
            raise ApiError(409, "refused", "No.")
        if data.get("crash"):
            raise RuntimeError("a bug")
        return ok(id=int_field(data, "id"))


def _name(user_id: int) -> str:
    db.session.expire_all()
    found = db.session.get(User, user_id)
    assert found is not None
    return found.display_name


@pytest.fixture
def ns(app: Flask) -> _Namespace:
    user = UserFactory(display_name="Aicha")
    db.session.commit()
    return _Namespace(user)


def test_an_event_is_one_transaction_committed_when_it_answers(app: Flask, ns: _Namespace) -> None:
    with app.test_request_context():
        assert ns.on_rename({"name": "Aïcha B.", "id": 7}) == {"ok": True, "id": 7}
    assert _name(ns.user_id or 0) == "Aïcha B."
    assert ns.ran_after_commit == ["Aïcha B."]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"name": "x", "id": 1, "refuse": True}, "refused"),
        ({"name": "x", "id": 1, "crash": True}, "internal_error"),
        ({"name": "x", "id": "1"}, "validation_failed"),
        ({"name": "x"}, "validation_failed"),
    ],
)
def test_a_refused_or_failed_event_keeps_nothing(
    app: Flask, ns: _Namespace, data: dict[str, Any], code: str
) -> None:
    with app.test_request_context():
        answer = ns.on_rename(data)
    assert answer["ok"] is False and answer["error"]["code"] == code
    assert set(answer["error"]) == {"code", "message", "fields"}
    assert _name(ns.user_id or 0) == "Aicha"
    assert ns.ran_after_commit == []


@pytest.mark.parametrize("data", [None, [], "x", {str(i): i for i in range(11)}])
def test_payloads_that_are_not_small_objects_are_refused(
    app: Flask, ns: _Namespace, data: Any
) -> None:
    with app.test_request_context():
        assert ns.on_rename(data)["error"]["code"] == "bad_payload"


def test_refusals_speak_the_persons_language(app: Flask, ns: _Namespace) -> None:
    with app.test_request_context(), force_locale("ar"):
        answer = ns.on_rename({"name": "x", "id": "sept"})
        signed_out = _Namespace(None).on_rename({"name": "x", "id": 1})
    assert answer["error"]["fields"] == {"id": ["invalid"]}
    assert "integer" not in answer["error"]["message"]  # the Arabic sentence
    assert signed_out["error"]["code"] == "unauthorized"
    assert signed_out["error"]["message"] != "Please sign in."
