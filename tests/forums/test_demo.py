"""The demo loader: field forums plus Arabic and French discussions, loaded once."""

from sqlalchemy import func, select

from app.db import db
from app.demo import load_demo_users
from directory import list_fields, load_reference_data
from forums.demo import load_demo
from forums.models import Forum, Post, Reaction, Topic


def test_demo_forums_load_once(app, client):
    load_demo_users()
    load_reference_data()
    load_demo()
    load_demo()
    forums = db.session.scalar(select(func.count(Forum.id)))
    assert forums == len(list_fields()) + 1  # one per field, plus "General"
    titles = set(db.session.scalars(select(Topic.title)))
    assert "Gestion de l’eau : retours d’expérience sur les khettaras" in titles
    assert any("الهدر المدرسي" in t for t in titles)
    assert db.session.scalar(select(func.count(Post.id))) >= 10
    topic = db.session.scalar(select(Topic).order_by(Topic.id))
    assert client.get(f"/topics/{topic.id}").status_code == 200
    # readers react (never to their own post, never before it), loaded once as well
    reactions = db.session.execute(
        select(Reaction.user_id, Post.author_id, Reaction.created_at, Post.created_at).join(
            Post, Post.id == Reaction.post_id
        )
    ).all()
    assert len(reactions) >= db.session.scalar(select(func.count(Post.id)))
    assert all(who != author and at >= posted for who, author, at, posted in reactions)
    assert b'class="reaction"' in client.get(f"/topics/{topic.id}").data
