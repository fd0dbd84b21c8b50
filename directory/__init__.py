"""Directory: see ../shared/DESIGN.md. Built by its own issue."""

from flask import Flask


def register(app: Flask) -> None:
    """Plug directory into the app (nothing yet)."""


__all__ = ["register"]
