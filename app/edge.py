"""What the edges (pages, API endpoints, socket events) share to run a write.

A page's write is one :func:`app.db.transaction`: the service call commits when it succeeds,
and when it refuses (an :class:`app.api.ApiError`) nothing of it is kept and the person reads
the translated reason where they are.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

import marshmallow as ma
from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

from app.api import ApiError
from app.db import transaction
from app.i18n import local_input_to_utc
from app.validation_messages import translate_fields

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a page's write gave: its value, or the error that undid it."""

    value: T | None = None
    error: ApiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def conflict(self) -> ApiError | None:
        """The refusal when someone else saved the item meanwhile (409 ``edit_conflict``):
        the page shows their version beside the editor's input."""
        error = self.error
        return error if error is not None and error.error_code == "edit_conflict" else None

    def field_errors(self) -> dict[str, list[str]]:
        """The refusal as form errors: per field, or under ``_`` for the whole form."""
        if self.error is None:
            return {}
        fields = self.error.fields or {}
        if fields and all(isinstance(v, list) for v in fields.values()):
            return {str(k): [str(m) for m in v] for k, v in fields.items()}
        return {"_": [self.error.message or ""]}


def refusal_text(error: ApiError) -> str:
    """A refusal in one line for a flash: its message, then each field's reasons not already
    said (a button has no field to show them beside)."""
    said: list[str] = []
    for text in [error.message or _("This could not be done.")] + [
        str(m)
        for reasons in error.fields.values()
        for m in (reasons if isinstance(reasons, list) else [reasons])
        if not isinstance(m, dict | list)  # structured details (a rule's hits) are not words
    ]:
        if text and text not in said:
            said.append(text)
    return " ".join(said)


def flash_refusal(error: ApiError) -> None:
    """Flash a refusal where the person is (:func:`refusal_text`)."""
    flash(refusal_text(error), "error")


def attempt(action: Callable[[], T]) -> Outcome[T]:
    """Run ``action`` as one transaction: committed when it returns, rolled back when it raises
    an :class:`ApiError` (returned in the outcome; other exceptions propagate)."""
    try:
        with transaction():
            value = action()
    except ApiError as error:
        return Outcome(error=error)
    return Outcome(value=value)


def reasons_beside(
    error: ApiError,
    names: Collection[str],
    whole: str | None = None,
    listed: Collection[str] = (),
) -> dict[str, list[str]]:
    """A refused write on a page whose fields are ``names``: each of these fields' reasons, to
    show beside it. The refusal is flashed when none of them has one (:func:`flash_refusal`);
    the reasons of fields the page does not show are flashed too, so none is lost. A form of
    one text (a reply, a chat message) names it ``whole``: a refusal no field shows (a locked
    topic, a closed conversation) is then said beside it instead of flashed. ``listed`` names
    the structured details the page lists itself (the board's rule hits, ``offers/_hits.html``):
    a refusal that carries one is said by that list, neither flashed nor said beside ``whole``
    (its words for fields are still placed).

    The one implementation behind :func:`errors_beside_fields`; a page whose form is not a
    Flask-WTF class (``errors`` given to its template by name) calls it directly."""
    beside: dict[str, list[str]] = {}
    elsewhere: list[str] = []
    shown = False
    for name, reasons in error.fields.items():
        if not isinstance(reasons, list) or any(isinstance(r, dict | list) for r in reasons):
            shown = shown or (name in listed and bool(reasons))
            continue  # structured details (a rule's hits, a version) are not a field's words
        if name in names:
            beside[name] = [str(r) for r in reasons]
        else:
            elsewhere.extend(str(r) for r in reasons)
    if not beside and not shown:
        if whole is not None:
            return {whole: [refusal_text(error)]}
        flash_refusal(error)
    elif elsewhere:  # the refusal is said (beside a field, or by the page's list): not these
        flash(" ".join(dict.fromkeys(elsewhere)), "error")
    return beside


def errors_beside_fields(
    form: FlaskForm, error: ApiError, whole: str | None = None, listed: Collection[str] = ()
) -> None:
    """A form's refused write: each field's reasons shown beside it (:func:`reasons_beside`);
    the refusal flashed when no field of the form shows a reason (or said beside ``whole``),
    unless the page lists its structured details (``listed``)."""
    for name, reasons in reasons_beside(error, form._fields, whole, listed).items():
        field = form._fields[name]
        field.errors = [*field.errors, *reasons]


#: a refusal's own status, kept when a form is drawn again: it says more than 422
#: (an unreadable version, someone else's edit, a file too large)
KEPT_STATUSES = frozenset({400, 409, 413})


def submit(
    form: FlaskForm,
    write: Callable[[], T],
    *,
    whole: str | None = None,
    listed: Collection[str] = (),
) -> Outcome[T] | None:
    """A posted HTML form, the one way a page runs one. None when nothing was posted or the
    form's own checks refused it (their reasons are beside the fields). Otherwise ``write``
    runs as one transaction (:func:`attempt`) and its outcome is returned:

    - someone else's edit (409 ``edit_conflict``) is returned untouched: the page shows
      their version beside the editor's input;
    - a refusal of access that names no field of the form (401, 403, 404: signed out, not
      allowed, gone) is raised: the page answers as it would for a GET. A form of one text
      (``whole``, see :func:`reasons_beside`) says a 403 beside it instead (you blocked
      this person), so that what was typed is not lost;
    - any other reason is shown beside its field (:func:`errors_beside_fields`), or flashed
      when no field of the form shows it; a refusal whose structured details the page lists
      (``listed``: the board's rule hits, read from ``outcome.error``) is not flashed too.

    The page draws the form again with :func:`form_status` when the outcome is not ``ok``."""
    if not form.validate_on_submit():
        return None
    outcome = attempt(write)
    error = outcome.error
    if error is None or outcome.conflict:
        return outcome
    access = error.code in (401, 404) or (error.code == 403 and whole is None)
    if access and not set(error.fields) & set(form._fields):
        raise error
    errors_beside_fields(form, error, whole, listed)
    return outcome


def form_status(form: FlaskForm, outcome: Outcome[Any] | None = None) -> int:
    """The status of a page drawn with ``form`` after :func:`submit`: 200 when nothing was
    posted, 422 when the form was refused, or the refusal's own status when it says more
    (:data:`KEPT_STATUSES`)."""
    if outcome is not None and outcome.error is not None:
        code = outcome.error.code or 422
        return code if code in KEPT_STATUSES else 422
    return 422 if form.is_submitted() else 200


def _texts(found: Any) -> list[str]:
    """The messages of one field, flat (a list's are per item: ``{0: [...]}``)."""
    if isinstance(found, dict):
        return [text for value in found.values() for text in _texts(value)]
    if isinstance(found, list):
        return [text for value in found for text in _texts(value)]
    return [str(found)]


class SchemaForm(FlaskForm):
    """An HTML form whose values the API schema of the same write checks (one set of rules
    for the page and the API): each schema reason is shown beside its field, the form's own
    in ``form_errors``; :attr:`changes` holds what the service takes. The fields keep the
    text as typed, so that a refused form shows it again unchanged. Subclasses set
    ``schema`` and may override :meth:`_raw` (what the schema reads) and :meth:`_loaded`."""

    schema: ClassVar[type[ma.Schema]]
    #: date-times typed in a ``datetime-local`` input: in the reader's time zone
    local_times: ClassVar[frozenset[str]] = frozenset()
    #: fields the schema reads under another key, or nested (``{"conditions_other":
    #: "conditions.other"}``): their values go there, and its reasons come back beside them
    paths: ClassVar[Mapping[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.changes: dict[str, Any] = {}

    def _raw(self) -> dict[str, Any]:
        """The typed values for the schema (empty fields left out)."""
        raw: dict[str, Any] = {}
        for name, field in self._fields.items():
            if name == "csrf_token":
                continue
            if isinstance(field, SelectMultipleField):
                values = [v for v in field.data or [] if str(v).strip()]
                if values:
                    raw[name] = values
                continue
            value = field.data
            if isinstance(value, str) and value.strip():
                raw[name] = local_input_to_utc(value) if name in self.local_times else value
        return raw

    def _loaded(self, data: dict[str, Any]) -> dict[str, Any]:
        """What the service takes, from the schema's output."""
        return data

    def _placed(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The values where the schema reads them (:attr:`paths`)."""
        placed: dict[str, Any] = {}
        for name, value in raw.items():
            *parents, key = self.paths.get(name, name).split(".")
            into = placed
            for parent in parents:
                into = into.setdefault(parent, {})
            into[key] = value
        return placed

    def _reasons(self, messages: Mapping[Any, Any], prefix: str = "") -> list[tuple[str, Any]]:
        """The schema's reasons by the path of what they are about, nested ones opened where
        a field reads inside them (:attr:`paths`)."""
        found: list[tuple[str, Any]] = []
        for key, value in messages.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict) and any(
                p.startswith(f"{path}.") for p in self.paths.values()
            ):
                found += self._reasons(value, f"{path}.")
            else:
                found.append((path, value))
        return found

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """The fields' own checks, then the schema on the values they let through (every
        reason shown at once)."""
        valid: bool = super().validate(extra_validators)
        raw = {
            name: value
            for name, value in self._raw().items()
            if name not in self._fields or not self._fields[name].errors
        }
        try:
            loaded = self.schema().load(self._placed(raw), partial=not valid)
            self.changes = self._loaded(dict(loaded))
        except ma.ValidationError as error:
            messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
            fields_of = {path: name for name, path in self.paths.items()}
            for path, found in self._reasons(translate_fields(messages)):
                field = self._fields.get(fields_of.get(path, path))
                if field is not None:
                    field.errors = [*field.errors, *_texts(found)]
                else:
                    self.form_errors.extend(_texts(found))
            return False
        return valid


def form_action(action: Callable[[], object], done: str | None = None) -> bool:
    """A page's button: run ``action`` (see :func:`attempt`), flash ``done`` when it worked or
    the refusal (:func:`flash_refusal`: its message and its fields' reasons) when it did not.
    True when it worked."""
    outcome = attempt(action)
    if outcome.error is not None:
        flash_refusal(outcome.error)
        return False
    if done:
        flash(done, "success")
    return True
