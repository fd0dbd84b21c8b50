"""The files a page or the API sends with a form: an expense's receipt, a bank statement."""

from __future__ import annotations

from flask import request

MAX_FILE = 5 * 1024 * 1024


def uploaded(name: str) -> tuple[str, str, bytes] | None:
    """``(file name, content type, bytes)`` of the form's file ``name``, or None."""
    found = request.files.get(name)
    if found is None or not found.filename:
        return None
    content = found.read(MAX_FILE + 1)
    return found.filename, found.mimetype or "", content
