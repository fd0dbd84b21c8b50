"""``app.edge.form_action``: a page's button flashes the refusal whole (message and the
reasons of its fields, each said once), or the message of success."""

from __future__ import annotations

from flask import Flask, get_flashed_messages

from app.api import ApiError, invalid
from app.edge import form_action


def _refuse(error: ApiError) -> None:
    raise error


def test_a_refused_button_flashes_the_fields_reasons_once(app: Flask) -> None:
    with app.test_request_context("/"):
        error = ApiError(422, "validation_failed", "Check the form.", {"reason": ["Too long."]})
        assert form_action(lambda: _refuse(error), "Done.") is False
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Check the form. Too long.")
        ]


def test_a_field_named_by_its_message_is_not_said_twice(app: Flask) -> None:
    with app.test_request_context("/"):
        assert form_action(lambda: _refuse(invalid("Too long.", "body"))) is False
        assert get_flashed_messages(with_categories=True) == [("error", "Too long.")]


def test_a_button_that_works_flashes_its_message(app: Flask) -> None:
    with app.test_request_context("/"):
        assert form_action(lambda: None, "Done.") is True
        assert get_flashed_messages(with_categories=True) == [("success", "Done.")]
