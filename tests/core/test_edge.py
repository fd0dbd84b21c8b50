"""``app.edge``: a page's button (``form_action``) flashes the refusal whole (message and the
reasons of its fields, each said once), or the message of success; a page's form
(``submit``, ``form_status``) runs the write once its own checks pass, keeps nothing of a
refused write, shows each reason beside its field (a refusal whose details the page lists is
not flashed too) and answers a refusal of access as the page would; a ``SchemaForm`` sends
each field where the API's schema reads it and brings the schema's reasons back beside it."""

from __future__ import annotations

import marshmallow as ma
import pytest
from flask import Flask, get_flashed_messages
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.accounts.models import User
from app.api import ApiError, invalid
from app.db import db
from app.edge import SchemaForm, form_action, form_status, submit


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


class _NoteForm(FlaskForm):
    class Meta:
        csrf = False

    title = StringField(validators=[Length(max=10)])
    body = StringField(validators=[DataRequired()])


def _rename_then(user_id: int, error: ApiError | None) -> str:
    """A write that changes a stored row, then is refused (or not)."""
    user = db.session.get(User, user_id)
    assert user is not None
    user.display_name = "Changed"
    db.session.flush()
    if error is not None:
        raise error
    return "written"


def _name(user_id: int) -> str | None:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user.display_name


def test_a_form_not_posted_runs_nothing(app: Flask) -> None:
    with app.test_request_context("/"):
        form = _NoteForm()
        assert submit(form, lambda: pytest.fail("written")) is None
        assert form_status(form) == 200


def test_a_form_its_own_checks_refuse_runs_nothing(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"title": "x" * 11}):
        form = _NoteForm()
        refused = submit(form, lambda: pytest.fail("written"))
        assert refused is None
        assert set(form.errors) == {"title", "body"}
        assert form_status(form, refused) == 422


def test_a_form_that_passes_is_written_once(app: Flask, user: User) -> None:
    with app.test_request_context("/", method="POST", data={"body": "hello"}):
        form = _NoteForm()
        done = submit(form, lambda: _rename_then(user.id, None))
        assert done is not None and done.ok and done.value == "written"
    assert _name(user.id) == "Changed"


def test_a_refusal_is_said_beside_its_field_and_nothing_is_kept(app: Flask, user: User) -> None:
    before = _name(user.id)
    with app.test_request_context("/", method="POST", data={"body": "hello", "title": "t"}):
        form = _NoteForm()
        error = invalid("Check the form.", {"title": ["Taken."], "elsewhere": ["Too late."]})
        refused = submit(form, lambda: _rename_then(user.id, error))
        assert refused is not None and refused.error is error
        assert form.title.errors == ["Taken."]
        assert form.body.data == "hello"  # what was typed is kept
        # a reason for a field the form does not show is flashed, never dropped
        assert get_flashed_messages(with_categories=True) == [("error", "Too late.")]
        assert form_status(form, refused) == 422
    assert _name(user.id) == before


def test_a_refusal_no_field_shows_is_flashed(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "hello"}):
        form = _NoteForm()
        refused = submit(form, lambda: _refuse(ApiError(409, "topic_locked", "Locked.")))
        assert refused is not None and not form.errors
        assert get_flashed_messages(with_categories=True) == [("error", "Locked.")]


def test_a_form_of_one_text_says_the_refusal_beside_it(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "hello"}):
        form = _NoteForm()
        blocked = ApiError(403, "blocked", "You blocked this person.")
        refused = submit(form, lambda: _refuse(blocked), whole="body")
        assert refused is not None
        assert form.body.errors == ["You blocked this person."]
        assert get_flashed_messages() == []
        assert form_status(form, refused) == 422


@pytest.mark.parametrize("code", [401, 403, 404])
def test_a_refusal_of_access_answers_as_the_page_would(app: Flask, user: User, code: int) -> None:
    before = _name(user.id)
    with app.test_request_context("/", method="POST", data={"body": "hello"}):
        error = ApiError(code)
        with pytest.raises(ApiError) as raised:
            submit(_NoteForm(), lambda: _rename_then(user.id, error))
        assert raised.value is error
    assert _name(user.id) == before


def test_a_refusal_of_access_naming_a_field_is_said_beside_it(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "hello", "title": "t"}):
        form = _NoteForm()
        error = ApiError(404, "not_found", "No such item.", {"title": ["No such item."]})
        refused = submit(form, lambda: _refuse(error))
        assert refused is not None and form.title.errors == ["No such item."]


def test_someone_elses_edit_is_returned_for_the_page_to_show(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "hello"}):
        form = _NoteForm()
        conflict = ApiError(409, "edit_conflict", "Someone else changed this.", {"version": 4})
        refused = submit(form, lambda: _refuse(conflict))
        assert refused is not None and refused.error is conflict
        assert not form.errors and get_flashed_messages() == []
        assert form_status(form, refused) == 409


@pytest.mark.parametrize(("code", "status"), [(400, 400), (413, 413), (422, 422), (429, 422)])
def test_a_refused_form_keeps_a_status_that_says_more(app: Flask, code: int, status: int) -> None:
    with app.test_request_context("/", method="POST", data={"body": "hello"}):
        form = _NoteForm()
        refused = submit(form, lambda: _refuse(ApiError(code, None, "No.")))
        assert form_status(form, refused) == status


HITS = [{"code": "PRICE", "action": "block", "excerpt": "20 dh", "message": "No prices."}]


def test_a_refusal_whose_details_the_page_lists_is_not_flashed_too(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "20 dh"}):
        form = _NoteForm()
        error = ApiError(422, "offer_rules", "This post breaks the board's rules.", {"hits": HITS})
        refused = submit(form, lambda: _refuse(error), listed=("hits",))
        assert refused is not None and refused.error is error
        assert not form.errors and get_flashed_messages() == []
        assert form_status(form, refused) == 422


def test_a_listed_refusal_is_not_said_beside_the_whole_text_either(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "20 dh"}):
        form = _NoteForm()
        error = ApiError(422, "offer_rules", "This post breaks the board's rules.", {"hits": HITS})
        submit(form, lambda: _refuse(error), whole="body", listed=("hits",))
        assert not form.errors and get_flashed_messages() == []


def test_a_listed_refusal_still_says_its_words_beside_their_fields(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "20 dh", "title": "t"}):
        form = _NoteForm()
        fields = {"hits": HITS, "title": ["Taken."], "elsewhere": ["Too late."]}
        error = ApiError(422, "offer_rules", "Rules.", fields)
        submit(form, lambda: _refuse(error), listed=("hits",))
        assert form.title.errors == ["Taken."]
        assert get_flashed_messages(with_categories=True) == [("error", "Too late.")]


def test_details_the_page_does_not_list_are_still_flashed(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"body": "20 dh"}):
        form = _NoteForm()
        error = ApiError(422, "offer_rules", "Rules.", {"hits": HITS})
        submit(form, lambda: _refuse(error), listed=("other",))
        assert get_flashed_messages(with_categories=True) == [("error", "Rules.")]


class _Conditions(ma.Schema):
    other = ma.fields.String(validate=ma.validate.Length(max=5))


class _PlacedSchema(ma.Schema):
    title = ma.fields.String(required=True)
    conditions = ma.fields.Nested(_Conditions)
    city = ma.fields.Integer()


class _PlacedForm(SchemaForm):
    class Meta:
        csrf = False

    schema = _PlacedSchema
    paths = {"conditions_other": "conditions.other", "city_id": "city"}  # noqa: RUF012

    title = StringField()
    conditions_other = StringField()
    city_id = StringField()


def test_a_schema_form_sends_each_field_where_the_schema_reads_it(app: Flask) -> None:
    data = {"title": "Cours", "conditions_other": "ados", "city_id": "7"}
    with app.test_request_context("/", method="POST", data=data):
        form = _PlacedForm()
        assert form.validate()
        assert form.changes == {"title": "Cours", "conditions": {"other": "ados"}, "city": 7}


def test_a_schema_form_says_a_nested_reason_beside_its_field(app: Flask) -> None:
    data = {"conditions_other": "adolescents", "city_id": "sept"}
    with app.test_request_context("/", method="POST", data=data):
        form = _PlacedForm()
        assert not form.validate()
        assert form.conditions_other.errors and form.city_id.errors and form.title.errors
        assert form.form_errors == []
        assert form.conditions_other.data == "adolescents"  # as typed
