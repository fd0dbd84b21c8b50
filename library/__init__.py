"""Library: an association's shared knowledge (knowledge pages, activity reports;
documents come with lib-docs).

Public API: ``register(app)`` only; other packages do not import library's internals.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from library import knowledge, reports

    knowledge.register(app)
    reports.register(app)


__all__ = ["register"]
