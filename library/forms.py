"""What the library's HTML forms share at the edge."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext as _

from app.api import ApiError


def refused(error: ApiError) -> dict[str, Any]:
    """Flash a refused write's message; the per-field messages to show beside the fields."""
    flash(error.message or _("Please correct the highlighted fields."), "error")
    return {k: v for k, v in (error.fields or {}).items() if isinstance(v, list)}
