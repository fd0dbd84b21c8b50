"""text safety: a post revision keeps the HTML it was shown with (rendered once)

Revision ID: 0009_text_safety
Revises: 0008_search_postgres
Create Date: 2026-12-04 15:30:00

Revisions written before this one have no stored HTML; the history renders them on demand
(the renderer's cost is bounded), and every later edit stores it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_text_safety'
down_revision = '0008_search_postgres'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forum_post_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))


def downgrade():
    # in place (SQLite 3.35+), not by copying the table (see 0009_accounts_privacy)
    op.drop_column('forum_post_revisions', 'body_html')
