"""Migration 0018: the twin watches that the old unique key let through go (the oldest of each
kept) before the partial unique indexes are made."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select

from app import create_app
from app.config import Config
from app.db import db
from forums.models import Watch
from tests.factories import UserFactory
from tests.forums.factories import make_topic


def test_the_migration_keeps_the_oldest_of_twin_watches(
    tmp_path: Path, database_url: str | None
) -> None:
    application = create_app(
        Config(
            env="testing",
            instance_path=tmp_path / "migrations",
            database_url=database_url,
            secret_key="s",
        )
    )
    with application.app_context():
        upgrade()
        topic, _post = make_topic()
        reader, other = UserFactory().id, UserFactory().id
        topic_id, forum_id = topic.id, topic.forum_id
        db.session.commit()
        downgrade(revision="0017_profile_avatar_skills")
        table = Watch.__table__
        twins = [
            {"user_id": reader, "topic_id": topic_id},
            {"user_id": reader, "topic_id": topic_id},
            {"user_id": reader, "forum_id": forum_id},
            {"user_id": other, "topic_id": topic_id},
            {"user_id": reader, "forum_id": forum_id},
        ]
        with db.engine.begin() as conn:
            before = list(conn.scalars(select(table.c.id)))  # the author watches the topic
            ids = [
                conn.execute(insert(table).values(**row)).inserted_primary_key[0] for row in twins
            ]
        upgrade()
        with db.engine.connect() as conn:
            kept = list(conn.scalars(select(table.c.id).order_by(table.c.id)))
        assert kept == sorted([*before, ids[0], ids[2], ids[3]])
        db.session.remove()
        db.engine.dispose()
