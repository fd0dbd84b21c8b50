"""Migration 0019: the twin handover packs that two builds at once could make are folded into
the oldest (their versions moved onto it, numbered after its own, in the order they were
built) before the unique index is made."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select

from app import create_app
from app.config import Config
from app.db import db
from library.models import DocumentVersion, LibraryDocument
from tests.directory.factories import AssociationFactory

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def test_the_migration_folds_twin_packs_into_the_oldest(
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
        association_id, other_id = AssociationFactory().id, AssociationFactory().id
        db.session.commit()
        downgrade(revision="0018_forum_watch_indexes")
        docs, versions = LibraryDocument.__table__, DocumentVersion.__table__

        def pack(association: int, *built: dt.datetime) -> int:
            with db.engine.begin() as conn:
                doc_id = conn.execute(
                    insert(docs).values(
                        association_id=association,
                        kind="handover_pack",
                        title="Handover pack",
                        language="fr",
                        tags=[],
                        visibility="admins",
                        created_at=T0,
                    )
                ).inserted_primary_key[0]
                for number, when in enumerate(built, 1):
                    conn.execute(
                        insert(versions).values(
                            document_id=doc_id,
                            number=number,
                            storage_key=f"k{doc_id}-{number}",
                            sha256="0" * 64,
                            size=1,
                            mime="application/zip",
                            filename=f"{when:%H%M}.zip",
                            created_at=when,
                        )
                    )
            return doc_id

        hour = dt.timedelta(hours=1)
        oldest = pack(association_id, T0, T0 + 3 * hour)
        pack(association_id, T0 + hour)
        pack(association_id, T0 + 2 * hour, T0 + 4 * hour)
        alone = pack(other_id, T0)
        upgrade()
        with db.engine.connect() as conn:
            kept = list(conn.scalars(select(docs.c.id).order_by(docs.c.id)))
            numbered = conn.execute(
                select(versions.c.number, versions.c.filename)
                .where(versions.c.document_id == oldest)
                .order_by(versions.c.number)
            ).all()
        assert kept == [oldest, alone]
        assert [tuple(row) for row in numbered] == [
            (1, "0900.zip"),
            (2, "1200.zip"),
            (3, "1000.zip"),
            (4, "1100.zip"),
            (5, "1300.zip"),
        ]
        db.session.remove()
        db.engine.dispose()
