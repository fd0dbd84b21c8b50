"""Absolute URLs, always from the configured public address (``JAM3IA_BASE_URL``).

The request's ``Host`` (or a proxy's ``X-Forwarded-Host``) is whatever the client sent: built into
a feed, a calendar UID or a mail it would let anyone point links at their own site.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def site_path(endpoint: str, **values: Any) -> str:
    """The path of ``endpoint`` on this site, also outside a request (a socket payload built
    after a commit, a CLI command, a periodic job)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` at the public address (also outside a request: CLI
    commands and periodic jobs)."""
    return public_base() + site_path(endpoint, **values)


def public_base() -> str:
    """The public address, without a final slash."""
    return str(current_app.config["JAM3IA_BASE_URL"])


def public_host() -> str:
    """The public host name (for identifiers such as calendar UIDs)."""
    return urlsplit(public_base()).hostname or "localhost"


__all__ = ["public_base", "public_host", "public_url", "site_path"]
