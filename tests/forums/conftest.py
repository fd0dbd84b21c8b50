"""Forum test helpers."""

from __future__ import annotations

import pytest

from tests.forums.factories import ForumFactory


@pytest.fixture
def forum(app):
    return ForumFactory()
