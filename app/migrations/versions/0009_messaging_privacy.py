"""privacy: people block others (user_blocks) and hide their presence (users.hide_presence)

Revision ID: 0009_messaging_privacy
Revises: 0008_search_postgres
Create Date: 2026-12-04 15:45:00
"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0009_messaging_privacy'
down_revision = '0008_search_postgres'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch mode: rebuilding users on SQLite would drop its
    # expression indexes (unique lower(username), lower(email)).
    op.add_column(
        'users',
        sa.Column('hide_presence', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table('user_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['users.id'], name=op.f('fk_user_blocks_blocked_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['users.id'], name=op.f('fk_user_blocks_blocker_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_blocks')),
    sa.UniqueConstraint('blocker_id', 'blocked_id', name=op.f('uq_user_blocks_blocker_id_blocked_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('user_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_blocks_blocked_id'), ['blocked_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_blocks_blocker_id'), ['blocker_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_blocks_blocker_id'))
        batch_op.drop_index(batch_op.f('ix_user_blocks_blocked_id'))
    op.drop_table('user_blocks')
    op.drop_column('users', 'hide_presence')  # SQLite 3.35+ drops a column in place
