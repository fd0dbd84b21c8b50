"""Serving a stored version: checked, never sniffed by the browser, previews sandboxed."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from library.models import LibraryDocument
from library.queries import read_version
from library.sniff import PREVIEWABLE

PREVIEW_CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)


def file_response(doc: LibraryDocument, number: int, *, inline: bool = False) -> Response:
    """The version's bytes (SHA-256 checked). PDFs, images and MP4/WebM videos are shown
    inline when asked (``inline``) under a strict CSP; everything else is an attachment.
    Byte ranges are answered (a video player seeks with them)."""
    version, data = read_version(doc, number)
    disposition = "inline" if inline and version.mime in PREVIEWABLE else "attachment"
    response = Response(data, mimetype=version.mime)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(version.filename)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    return response
