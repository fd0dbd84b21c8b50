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
    # SQLite recreates a table to drop a column and reflects the tables it references (users)
    # on the way, and it cannot reflect expression indexes: take them off first and put them
    # back after, or the users table would lose them (and reflection warns).
    op.drop_index('uq_users_email_lower', table_name='users')
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('members_visibility')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('suspended_at')
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)
