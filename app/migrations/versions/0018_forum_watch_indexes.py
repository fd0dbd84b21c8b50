"""forums: one watch per person and topic, and per person and forum (partial unique indexes)

The unique key (user_id, topic_id, forum_id) never held: one of the two ids is always NULL,
and NULLs are distinct in a unique key. Twins left by concurrent requests go first (the
oldest of each kept), then the key is replaced by one partial unique index per kind of watch.

Revision ID: 0018_forum_watch_indexes
Revises: 0017_profile_avatar_skills
Create Date: 2026-12-06 05:40:00
"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0018_forum_watch_indexes'
down_revision = '0017_profile_avatar_skills'
branch_labels = None
depends_on = None

OLD_KEY = 'uq_forum_watches_user_id_topic_id_forum_id'
NEW_KEYS = (
    ('topic_id', 'uq_forum_watches_user_topic'),
    ('forum_id', 'uq_forum_watches_user_forum'),
)


def _table(*extra):
    """forum_watches as 0004 made it, for batch mode to copy without reflecting the database
    (reflection would warn about the expression indexes of the tables it refers to)."""
    return sa.Table(
        'forum_watches',
        sa.MetaData(),
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('forum_id', sa.Integer(), nullable=True),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name='fk_forum_watches_forum_id_forums', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name='fk_forum_watches_topic_id_forum_topics', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_forum_watches_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_forum_watches'),
        sa.Index('ix_forum_watches_forum_id', 'forum_id'),
        sa.Index('ix_forum_watches_topic_id', 'topic_id'),
        *extra,
        sqlite_autoincrement=True,
    )


def upgrade():
    for column, _name in NEW_KEYS:
        op.execute(
            f'DELETE FROM forum_watches WHERE {column} IS NOT NULL AND id NOT IN ('
            f'SELECT min_id FROM (SELECT MIN(id) AS min_id FROM forum_watches '
            f'WHERE {column} IS NOT NULL GROUP BY user_id, {column}) AS kept)'
        )
    old_key = sa.UniqueConstraint('user_id', 'topic_id', 'forum_id', name=OLD_KEY)
    # SQLite drops a constraint by copying the table (batch mode)
    with op.batch_alter_table('forum_watches', copy_from=_table(old_key)) as batch_op:
        batch_op.drop_constraint(OLD_KEY, type_='unique')
    for column, name in NEW_KEYS:
        op.create_index(
            name,
            'forum_watches',
            ['user_id', column],
            unique=True,
            sqlite_where=sa.text(f'{column} IS NOT NULL'),
            postgresql_where=sa.text(f'{column} IS NOT NULL'),
        )


def downgrade():
    for _column, name in NEW_KEYS:
        op.drop_index(name, table_name='forum_watches')
    with op.batch_alter_table('forum_watches', copy_from=_table()) as batch_op:
        batch_op.create_unique_constraint(OLD_KEY, ['user_id', 'topic_id', 'forum_id'])
