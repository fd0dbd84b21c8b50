"""``app.edge.form_action``: a page's button flashes the refusal whole (message and the
reasons of its fields, each said once), or the message of success."""

from __future__ import annotations

from flask import Flask, get_flashed_messages
from flask_babel import gettext as _

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


def test_a_refusal_without_a_message_flashes_a_generic_one(app: Flask) -> None:
    with app.test_request_context("/"):
        assert form_action(lambda: _refuse(ApiError(409, "conflict"))) is False
        generic = _("This could not be done.")
        assert generic
        assert get_flashed_messages(with_categories=True) == [("error", generic)]


def test_structured_details_are_not_flashed_as_words(app: Flask) -> None:
    hits = [{"code": "PRICE", "action": "block", "excerpt": "20 dh", "message": "No prices."}]
    with app.test_request_context("/"):
        error = ApiError(422, "offer_rules", "This post breaks the board's rules.", {"hits": hits})
        assert form_action(lambda: _refuse(error)) is False
        assert get_flashed_messages(with_categories=True) == [
            ("error", "This post breaks the board's rules.")
        ]
