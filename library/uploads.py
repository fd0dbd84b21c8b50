"""Reading an uploaded file at the edge (page or API), the same way on both faces.

The app-wide request limit (``MAX_CONTENT_LENGTH``) fits documents; videos are larger, so the
upload endpoints register their own limit (``ENDPOINTS``, through the core registry).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _

from app.api import invalid
from app.plugins import registry
from library import services

#: Room for the form's other fields and the multipart framing.
FORM_OVERHEAD = 64 * 1024
#: The pages and API endpoints that take a document or a new version.
ENDPOINTS = (
    "library.association_library",
    "library.document",
    "library_api.upload_document",
    "library_api.upload_network_document",
    "library_api.post_version",
)


def request_limit() -> int:
    return services.max_read() + FORM_OVERHEAD


def register_upload_limits(app: Flask) -> None:
    for endpoint in ENDPOINTS:
        registry(app).upload_limits[endpoint] = request_limit


def uploaded_file() -> tuple[str, bytes]:
    """``(file name, bytes)`` of the request's ``file`` field (at most one byte more than the
    largest accepted file, so an oversize file is refused by ``services.check_file``)."""
    file = request.files.get("file")
    if file is None or not file.filename:
        raise invalid(_("Choose a file."), "file")
    return file.filename, file.read(services.max_read())
