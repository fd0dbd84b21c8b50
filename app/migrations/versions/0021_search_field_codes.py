"""search: PostgreSQL vectors name each field by a three-character code

Revision ID: 0021_search_field_codes
Revises: 0020_search_vectors_inline
Create Date: 2026-12-06 22:40:00

A lexeme was ``<field>:<term>``; ``description__sk:`` before each of a hundred keys made a
vector three times the size of its terms. It is now ``<code><term>``
(:func:`app.search.backends.postgres.field_code`). The stored vectors are in the old form:
every indexed document goes back to the outbox and the index is emptied, so the next drain
(after any commit that indexes, or ``jam3ia reindex`` at once) writes them in the new form.
Downgrading does the same in the other direction.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_search_field_codes"
down_revision = "0020_search_vectors_inline"
branch_labels = None
depends_on = None


def _requeue_everything():
    if op.get_bind().dialect.name != "postgresql":
        return  # the Whoosh index does not change
    op.execute(
        "INSERT INTO search_outbox (doc_type, doc_id, created_at)"
        " SELECT doc_type, doc_id, now() FROM search_document"
    )
    op.execute("DELETE FROM search_document")
    op.execute("DELETE FROM search_term")


def upgrade():
    _requeue_everything()


def downgrade():
    _requeue_everything()
