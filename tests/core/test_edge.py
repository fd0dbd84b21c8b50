"""The page edge's button helper: what it flashes."""

from __future__ import annotations

from flask import Flask, get_flashed_messages
from flask_babel import gettext as _

from app.api import ApiError
from app.edge import form_action


def _refuse(error: ApiError) -> None:
    raise error


def test_a_refusal_without_a_message_flashes_a_generic_one(app: Flask) -> None:
    with app.test_request_context("/"):
        assert form_action(lambda: _refuse(ApiError(409, "conflict"))) is False
        generic = _("This could not be done.")
        assert generic
        assert get_flashed_messages(with_categories=True) == [("error", generic)]


def test_a_refusal_flashes_its_message_and_a_success_the_done_one(app: Flask) -> None:
    with app.test_request_context("/"):
        assert form_action(lambda: _refuse(ApiError(409, "conflict", "No."))) is False
        assert form_action(lambda: None, "Done.") is True
        assert get_flashed_messages(with_categories=True) == [
            ("error", "No."),
            ("success", "Done."),
        ]
