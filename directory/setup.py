"""Wiring of the directory into the app (called by ``directory.register``)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.plugins import registry


def _me_memberships(user: Any) -> dict[str, Any]:
    from directory.queries import user_memberships

    return {
        "memberships": [
            {
                "association_id": m.association_id,
                "association_name": m.association_name,
                "role": m.role,
            }
            for m in user_memberships(user.id)
        ]
    }


def setup(app: Flask) -> None:
    registry(app).me_sections.append(_me_memberships)
