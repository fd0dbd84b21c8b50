"""accounts and privacy: suspended and deleted accounts, members-only member lists, edit
versions of associations and forum posts

Revision ID: 0009_accounts_privacy
Revises: 0008_search_postgres
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0009_accounts_privacy'
down_revision = '0008_search_postgres'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', app.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members_visibility', sa.String(length=10), server_default='public', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+), not batch mode: copying a table drops
    # the old one, which with foreign keys on deletes the rows that reference it (an
    # association's fields and members), and loses the users table's expression indexes.
    op.drop_column('forum_posts', 'version')
    op.drop_column('associations', 'version')
    op.drop_column('associations', 'members_visibility')
    op.drop_column('users', 'deleted_at')
    op.drop_column('users', 'suspended_at')
