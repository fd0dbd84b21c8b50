"""A notification's sentence, kept as its message (the English source, as in the catalogues)
and its parameters, and written out in the reader's language when it is shown or pushed.

Features pass ``text=_l("%(name)s replied in “%(title)s”", name=..., title=...)``: the lazy
string carries the message and the parameters, nothing is translated at creation. A parameter
may itself be such a lazy string (a decision inside "… Reason: …") or a date. On a page each
name or title sits in ``<bdi>``; JSON and plain-text mails get the plain sentence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import LazyString, gettext
from markupsafe import Markup, escape

from app.i18n import bdi_filter, date_filter, format_date

MESSAGE = "_msg"
PARAMS = "_params"
DATE = "_date"


def freeze(value: Any) -> Any:
    """``value`` as JSON: a lazy message as ``{_msg, _params}``, a date as ``{_date}``."""
    if isinstance(value, LazyString):
        source = value._args[0] if value._args else ""
        return {MESSAGE: str(source), PARAMS: {k: freeze(v) for k, v in value._kwargs.items()}}
    if isinstance(value, dt.datetime):
        return {DATE: value.date().isoformat()}
    if isinstance(value, dt.date):
        return {DATE: value.isoformat()}
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)


def _param(value: Any, html: bool) -> Any:
    if isinstance(value, dict) and MESSAGE in value:
        return render(value, html)
    if isinstance(value, dict) and DATE in value:
        day = dt.date.fromisoformat(value[DATE])
        return date_filter(day) if html else format_date(day, "medium")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return bdi_filter(value) if html else str(value)


def render(frozen: dict[str, Any], html: bool = True) -> Any:
    """The sentence in the current language: ``Markup`` (``html``) or plain text."""
    source = str(frozen.get(MESSAGE) or "")
    params = {key: _param(value, html) for key, value in (frozen.get(PARAMS) or {}).items()}
    translated = gettext(source) if source else ""
    if not html:
        return translated % params if params else translated
    template = escape(translated)
    return template % params if params else template


__all__ = ["Markup", "freeze", "render"]
