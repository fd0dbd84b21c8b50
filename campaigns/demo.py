"""Demo campaigns: filled in below."""

from __future__ import annotations


def load_demo_campaigns() -> None:
    return None
