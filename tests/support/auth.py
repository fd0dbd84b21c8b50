"""Credentials in requests."""

from __future__ import annotations


def bearer(token: str) -> dict[str, str]:
    """The ``Authorization`` header of an API token."""
    return {"Authorization": f"Bearer {token}"}
