"""marshmallow's and webargs' own messages ("Missing data for required field.", "Length must
be between 1 and 200.") in the reader's language: every per-field error of an ``ApiError``
passes through :func:`translate_fields` (API answers and the pages that show them alike)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _

EXACT: dict[str, Callable[[], str]] = {
    "Missing data for required field.": lambda: _("This field is required."),
    "Field may not be null.": lambda: _("This field may not be empty."),
    "Invalid value.": lambda: _("Invalid value."),
    "Not a valid string.": lambda: _("Not a valid text."),
    "Not a valid utf-8 string.": lambda: _("Not a valid text."),
    "Not a valid integer.": lambda: _("Not a valid whole number."),
    "Not a valid number.": lambda: _("Not a valid number."),
    "Number too large.": lambda: _("Number too large."),
    "Not a valid boolean.": lambda: _("Not a valid yes/no value."),
    "Not a valid datetime.": lambda: _("Not a valid date and time."),
    "Not a valid date.": lambda: _("Not a valid date."),
    "Not a valid list.": lambda: _("Not a valid list."),
    "Not a valid email address.": lambda: _("Enter a valid email address."),
    "Not a valid URL.": lambda: _("Not a valid web address."),
    "Invalid input type.": lambda: _("Invalid input type."),
    "Unknown field.": lambda: _("Unknown field."),
    "Not a valid mapping type.": lambda: _("Invalid input type."),
}
PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (
        re.compile(r"^Shorter than minimum length (?P<num>\d+)\.$"),
        lambda num: _("At least %(num)s characters.", num=num),
    ),
    (
        re.compile(r"^Longer than maximum length (?P<num>\d+)\.$"),
        lambda num: _("At most %(num)s characters.", num=num),
    ),
    (
        re.compile(r"^Length must be between (?P<low>\d+) and (?P<high>\d+)\.$"),
        lambda low, high: _("Between %(low)s and %(high)s characters.", low=low, high=high),
    ),
    (
        re.compile(r"^Length must be (?P<num>\d+)\.$"),
        lambda num: _("Exactly %(num)s characters.", num=num),
    ),
    (
        re.compile(r"^Must be one of: (?P<choices>.*)\.$"),
        lambda choices: _("Must be one of: %(choices)s.", choices=choices),
    ),
    (
        re.compile(
            r"^Must be greater than or equal to (?P<low>\S+) and less than or equal to "
            r"(?P<high>\S+)\.$"
        ),
        lambda low, high: _("Must be between %(low)s and %(high)s.", low=low, high=high),
    ),
    (
        re.compile(r"^Must be greater than or equal to (?P<low>\S+)\.$"),
        lambda low: _("Must be at least %(low)s.", low=low),
    ),
    (
        re.compile(r"^Must be less than or equal to (?P<high>\S+)\.$"),
        lambda high: _("Must be at most %(high)s.", high=high),
    ),
]


def translate(message: str) -> str:
    """One message in the request's language (unknown ones, already ours, stay as they are)."""
    known = EXACT.get(message)
    if known is not None:
        return known()
    for pattern, say in PATTERNS:
        match = pattern.match(message)
        if match:
            return say(**match.groupdict())
    return message


def translate_fields(messages: Any) -> Any:
    """Per-field messages (nested dicts and lists as marshmallow gives them), translated."""
    if not has_request_context():
        return messages
    if isinstance(messages, dict):
        return {key: translate_fields(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_fields(value) for value in messages]
    if isinstance(messages, str):
        return translate(messages)
    return messages
