"""What the edges (pages, API endpoints, socket events) share to run a write.

A page's write is one :func:`app.db.transaction`: the service call commits when it succeeds,
and when it refuses (an :class:`app.api.ApiError`) nothing of it is kept and the person reads
the translated reason where they are.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.api import ApiError
from app.db import transaction

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a page's write gave: its value, or the error that undid it."""

    value: T | None = None
    error: ApiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

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
    error: ApiError, names: Collection[str], whole: str | None = None
) -> dict[str, list[str]]:
    """A refused write on a page whose fields are ``names``: each of these fields' reasons, to
    show beside it. The refusal is flashed when none of them has one (:func:`flash_refusal`);
    the reasons of fields the page does not show are flashed too, so none is lost. A form of
    one text (a reply, a chat message) names it ``whole``: a refusal no field shows (a locked
    topic, a closed conversation) is then said beside it instead of flashed.

    The one implementation behind :func:`errors_beside_fields`; a page whose form is not a
    Flask-WTF class (``errors`` given to its template by name) calls it directly."""
    beside: dict[str, list[str]] = {}
    elsewhere: list[str] = []
    for name, reasons in error.fields.items():
        if not isinstance(reasons, list) or any(isinstance(r, dict | list) for r in reasons):
            continue  # structured details (a rule's hits, a version) are not a field's words
        if name in names:
            beside[name] = [str(r) for r in reasons]
        else:
            elsewhere.extend(str(r) for r in reasons)
    if not beside and whole is not None:
        return {whole: [refusal_text(error)]}
    if not beside:
        flash_refusal(error)
    elif elsewhere:
        flash(" ".join(dict.fromkeys(elsewhere)), "error")
    return beside


def errors_beside_fields(form: FlaskForm, error: ApiError, whole: str | None = None) -> None:
    """A form's refused write: each field's reasons shown beside it (:func:`reasons_beside`);
    the refusal flashed when no field of the form shows a reason (or said beside ``whole``)."""
    for name, reasons in reasons_beside(error, form._fields, whole).items():
        field = form._fields[name]
        field.errors = [*field.errors, *reasons]


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
