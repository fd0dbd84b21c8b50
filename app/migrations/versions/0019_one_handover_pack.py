"""library: one handover pack document per association (a partial unique index)

Two builds at once could each create the association's pack document. Twins already made are
folded into the oldest pack first: their versions move onto it, numbered after its own, in the
order they were built; then the emptied twins go and the index is created.

Revision ID: 0019_one_handover_pack
Revises: 0018_forum_watch_indexes
Create Date: 2026-12-06 09:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_one_handover_pack'
down_revision = '0018_forum_watch_indexes'
branch_labels = None
depends_on = None

INDEX = 'uq_library_documents_handover_pack'
WHERE = "kind = 'handover_pack'"


def _fold_twins(bind):
    packs = bind.execute(sa.text(
        f"SELECT association_id, id FROM library_documents WHERE {WHERE} "
        "AND association_id IS NOT NULL ORDER BY association_id, id"
    )).all()
    by_association = {}
    for association_id, doc_id in packs:
        by_association.setdefault(association_id, []).append(doc_id)
    for kept, *twins in by_association.values():
        if not twins:
            continue
        last = bind.execute(sa.text(
            "SELECT COALESCE(MAX(number), 0) FROM library_document_versions "
            "WHERE document_id = :doc"
        ), {"doc": kept}).scalar()
        moved = bind.execute(sa.text(
            "SELECT id FROM library_document_versions WHERE document_id IN :twins "
            "ORDER BY created_at, id"
        ).bindparams(sa.bindparam('twins', expanding=True)), {"twins": twins}).all()
        for (version_id,) in moved:
            last += 1
            bind.execute(sa.text(
                "UPDATE library_document_versions SET document_id = :doc, number = :n "
                "WHERE id = :id"
            ), {"doc": kept, "n": last, "id": version_id})
        bind.execute(sa.text(
            "DELETE FROM library_documents WHERE id IN :twins"
        ).bindparams(sa.bindparam('twins', expanding=True)), {"twins": twins})


def upgrade():
    _fold_twins(op.get_bind())
    op.create_index(
        INDEX,
        'library_documents',
        ['association_id'],
        unique=True,
        sqlite_where=sa.text(WHERE),
        postgresql_where=sa.text(WHERE),
    )


def downgrade():
    op.drop_index(INDEX, table_name='library_documents')
