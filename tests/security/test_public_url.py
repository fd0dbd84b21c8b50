"""Absolute URLs come from the configured public address (``JAM3IA_BASE_URL``), never from the
request: a forged ``Host`` or ``X-Forwarded-Host`` must not reach feeds, calendar UIDs or links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.config import Config, ConfigError
from app.db import db
from tests.conftest import IsolatedClient, token_for
from tests.directory.factories import AssociationFactory, MembershipFactory
from tests.factories import UserFactory
from tests.forums.factories import ForumFactory
from tests.forums.test_pages import make_topic
from tests.projects.factories import MilestoneFactory, ProjectFactory
from tests.support.auth import bearer

FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


@pytest.fixture
def config(config: Config) -> Config:
    # as behind the documented nginx
    return config.with_changes(base_url="https://jam3ia.example.ma", proxy_count=1)


@pytest.fixture
def app(config: Config) -> Flask:
    application = create_app(config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def test_forged_hosts_never_reach_the_atom_feed(app: Flask) -> None:
    forum = ForumFactory()
    make_topic(forum=forum, title="Appel à projets")
    body = app.test_client().get(f"/forums/{forum.id}/feed.atom", headers=FORGED).get_data(True)
    assert "evil.example" not in body
    assert f"https://jam3ia.example.ma/forums/{forum.id}" in body


def test_forged_hosts_never_reach_calendar_feeds_or_their_links(app: Flask) -> None:
    member = UserFactory()
    association = AssociationFactory()
    MembershipFactory(user=member, association=association, role="member")
    project = ProjectFactory(visibility="public", associations=[association])
    milestone = MilestoneFactory(project=project, due_on=dt.date(2026, 4, 1))
    client = app.test_client()
    auth = {**bearer(token_for(member)), **FORGED}
    ics = client.get(f"/api/v1/projects/{project.id}/calendar.ics", headers=FORGED).get_data(True)
    assert "evil.example" not in ics
    assert f"jam3ia-milestone-{milestone.id}@jam3ia.example.ma" in ics
    assert f"https://jam3ia.example.ma/projects/{project.id}" in ics
    url = client.post("/api/v1/me/calendar", headers=auth).get_json()["url"]
    assert url.startswith("https://jam3ia.example.ma/api/v1/calendar/")
    feed = client.get(url.removeprefix("https://jam3ia.example.ma"), headers=FORGED)
    assert "evil.example" not in feed.get_data(True)


def test_production_needs_a_public_address(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="JAM3IA_BASE_URL"):
        create_app(Config(env="production", instance_path=tmp_path, secret_key="s"))


@pytest.mark.parametrize(
    "value", ["jam3ia.example.ma", "ftp://jam3ia.example.ma", "https://x.ma/?a=1", "https://"]
)
def test_a_malformed_public_address_is_explained(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="JAM3IA_BASE_URL"):
        Config.from_env({"JAM3IA_BASE_URL": value, "JAM3IA_INSTANCE_PATH": str(tmp_path)})


def test_the_public_address_is_read_from_the_environment(tmp_path: Path) -> None:
    cfg = Config.from_env(
        {"JAM3IA_BASE_URL": "https://jam3ia.example.ma/", "JAM3IA_INSTANCE_PATH": str(tmp_path)}
    )
    assert cfg.public_base_url == "https://jam3ia.example.ma"
    assert Config(env="testing").public_base_url == "http://localhost"
