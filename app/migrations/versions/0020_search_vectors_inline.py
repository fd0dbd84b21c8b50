"""search: PostgreSQL keeps each document's vector inline and uncompressed

Revision ID: 0020_search_vectors_inline
Revises: 0019_one_handover_pack
Create Date: 2026-12-06 22:20:00

Above the default 2 kB row target PostgreSQL compressed the ``terms`` vectors of most
documents once the text fields had their skeleton keys, and every ``@@`` of a search
decompressed them again, once per clause and row. The table's target becomes a page. The
vectors already stored are written again by 0021.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_search_vectors_inline"
down_revision = "0019_one_handover_pack"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_document SET (toast_tuple_target = 8160)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_document RESET (toast_tuple_target)")
