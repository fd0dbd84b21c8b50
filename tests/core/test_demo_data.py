"""``jam3ia seed-demo`` makes a demo that looks alive: hand-written associations with real
contact addresses, people with distinct names, every forum discussed, chats left unread,
projects at three stages, all spread over the last months."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.db import db, utcnow
from directory.models import Association
from forums.models import Forum, Post, Topic
from messaging.models import Message
from projects.models import Project, ProjectChange
from tests.conftest import login


@pytest.fixture
def demo(app: Any) -> Any:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--once"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Demo data loaded in \d+\.\d s", result.output)
    db.session.expire_all()
    return app


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None)


def test_demo_directory_people_and_contacts(demo: Any) -> None:
    associations = list(db.session.scalars(select(Association)))
    assert len(associations) >= 55
    assert all(a.email == f"contact@{a.slug}.ma" for a in associations)
    names = [u.display_name for u in db.session.scalars(select(User))]
    assert len(names) >= 28
    assert [n for n, c in Counter(names).items() if c > 1] == []
    emails = [a.email for a in associations] + [u.email for u in db.session.scalars(select(User))]
    assert not [e for e in emails if "example" in e or re.search(r"contact\d", e)]
    arabic = sum(1 for a in associations if re.match(r"[\u0600-\u06ff]", a.name))
    assert arabic > len(associations) / 2


def test_demo_forums_are_all_discussed_over_months(demo: Any) -> None:
    now = _naive(utcnow())
    for forum in db.session.scalars(select(Forum)):
        topics = list(db.session.scalars(select(Topic).where(Topic.forum_id == forum.id)))
        assert 2 <= len(topics) <= 4, forum.name_fr
        for topic in topics:
            posts = list(
                db.session.scalars(
                    select(Post).where(Post.topic_id == topic.id).order_by(Post.number)
                )
            )
            assert 2 <= len(posts) <= 6, topic.title
            stamps = [_naive(p.created_at) for p in posts]
            assert stamps == sorted(stamps) and stamps[0] == _naive(topic.created_at)
            assert stamps[-1] <= now
    bodies = " ".join(db.session.scalars(select(Post.body)))
    assert re.search(r"\b(3lach|bghit|3ndna|7na)\b", bodies)  # Darija in Latin letters
    assert "شكون" in bodies and "Bonjour" in bodies
    days = {
        _naive(at).date()
        for model in (Post, Message, ProjectChange)
        for at in db.session.scalars(select(model.created_at))
    }
    assert len(days) >= 30
    assert max(days) <= now.date() and min(days) >= (now - dt.timedelta(days=95)).date()


def test_demo_projects_and_unread_chats(demo: Any) -> None:
    statuses = {p.status for p in db.session.scalars(select(Project))}
    assert {"planned", "active", "completed"} <= statuses
    for username in ("fatima", "youssef"):
        client = demo.test_client()
        person = db.session.scalar(select(User).where(User.username == username))
        assert person is not None
        login(client, person, "demo-password")
        unread = client.get("/api/v1/conversations/unread").get_json()
        assert unread["unread_total"] >= 2, unread


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_demo_pages_read_alive(demo: Any, lang: str) -> None:
    """The directory's first page mixes Arabic and French names; every forum lists topics."""
    client = demo.test_client()
    headers = {"Accept-Language": lang}
    page = client.get("/directory", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    names = re.findall(r'<a[^>]*href="/associations/\d+"[^>]*>(.*?)</a>', page, re.S)
    arabic = [n for n in names if re.search(r"[\u0600-\u06ff]", n)]
    assert len(names) == 20 and len(arabic) >= 5 and len(names) - len(arabic) >= 5
    listing = client.get("/forums", headers=headers).get_data(as_text=True)
    forum_ids = set(re.findall(r'href="/forums/(\d+)"', listing))
    assert len(forum_ids) == db.session.query(Forum).count()
    for forum_id in forum_ids:
        forum = client.get(f"/forums/{forum_id}", headers=headers).get_data(as_text=True)
        assert len(re.findall(r'class="topic-title" href="/topics/\d+"', forum)) >= 2


def test_demo_campaigns_show_what_aid_delivered(demo: Any) -> None:
    """Both demo campaigns ran while the host's distributions took place: the public page
    and the frozen report of the closed one say what aid delivered, not "nothing"."""
    from campaigns.models import Campaign

    client = demo.test_client()
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.status != "draft").order_by(Campaign.id)
    ).all()
    assert {c.status for c in campaigns} >= {"live", "closed"}
    for campaign in campaigns:
        page = client.get(f"/campaigns/{campaign.id}", headers={"Accept-Language": "fr"})
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Aucune distribution enregistrée" not in text, campaign.title
        assert re.search(r"foyers vérifiés servis : [1-9]", text), campaign.title


def test_demo_ramadan_campaign_has_rounds_and_a_photo_update(demo: Any) -> None:
    """The live demo campaign shows its two rounds, each having raised something, and an
    update with its consented photo (thumbnail and alt text)."""
    from campaigns.models import Campaign

    client = demo.test_client()
    live = db.session.scalars(select(Campaign).where(Campaign.status == "live")).one()
    text = client.get(f"/campaigns/{live.id}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Ramadan 1" in text and "Ramadan 2" in text
    image = re.search(r'<img class="campaign-update-image" src="([^"]+)" alt="([^"]+)"', text)
    assert image is not None and "paniers" in image.group(2)
    assert client.get(image.group(1)).mimetype == "image/jpeg"
    rounds = client.get(f"/api/v1/campaigns/{live.id}").get_json()["rounds"]
    assert len(rounds) == 2 and all(r["raised"] > 0 for r in rounds)
