"""search: GIN without the pending list, a (lat, lon) index for near-me's bounding box

Revision ID: 0011_search_perf
Revises: 0010_merge_hardening
Create Date: 2026-12-04 20:45:00

On PostgreSQL the GIN indexes of ``search_document`` stop using ``fastupdate``: a search
index is written in small batches and read all the time, and a pending list makes every read
scan it. Near-me bounds both coordinates, so the B-tree on ``(doc_type, lat)`` becomes
``(doc_type, lat, lon)``.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_search_perf"
down_revision = "0010_merge_hardening"
branch_labels = None
depends_on = None

GIN = ("ix_search_document_terms", "ix_search_document_facets")


def upgrade():
    op.create_index(
        "ix_search_document_geo", "search_document", ["doc_type", "lat", "lon"], unique=False
    )
    op.drop_index("ix_search_document_lat", table_name="search_document")
    if op.get_bind().dialect.name == "postgresql":
        for name in GIN:
            op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in GIN:
            op.execute(f"ALTER INDEX {name} RESET (fastupdate)")
    op.create_index("ix_search_document_lat", "search_document", ["doc_type", "lat"], unique=False)
    op.drop_index("ix_search_document_geo", table_name="search_document")
