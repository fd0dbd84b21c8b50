"""forums: forums, moderators, topics, numbered posts, revisions, reactions, flags, reading
state and watches

Revision ID: 0004_forums
Revises: 0003_directory
Create Date: 2026-11-22 04:45:00

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0004_forums'
down_revision = '0003_directory'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('forums',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('name_ar', sa.String(length=120), nullable=False),
    sa.Column('name_fr', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('description_ar', sa.Text(), nullable=False),
    sa.Column('description_fr', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('topic_count', sa.Integer(), nullable=False),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('last_topic_id', sa.Integer(), nullable=True),
    sa.Column('last_post_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_forums_field_id_fields'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forums')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forums_field_id'), 'forums', ['field_id'], unique=False)
    op.create_table('forum_moderators',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_forum_moderators_forum_id_forums'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_moderators_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_moderators')),
    sa.UniqueConstraint('forum_id', 'user_id', name=op.f('uq_forum_moderators_forum_id_user_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forum_moderators_user_id'), 'forum_moderators', ['user_id'], unique=False)
    op.create_table('forum_topics',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('last_post_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_poster_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_forum_topics_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_forum_topics_forum_id_forums'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['last_poster_id'], ['users.id'], name=op.f('fk_forum_topics_last_poster_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_topics')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forum_topics_author_id'), 'forum_topics', ['author_id'], unique=False)
    op.create_index('ix_forum_topics_listing', 'forum_topics', ['forum_id', 'pinned', 'last_post_at'], unique=False)
    op.create_table('forum_posts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('quote_post_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('edit_count', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.Column('flag_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_forum_posts_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quote_post_id'], ['forum_posts.id'], name=op.f('fk_forum_posts_quote_post_id_forum_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_posts_topic_id_forum_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_posts')),
    sa.UniqueConstraint('topic_id', 'number', name=op.f('uq_forum_posts_topic_id_number')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forum_posts_author_id'), 'forum_posts', ['author_id'], unique=False)
    op.create_index('ix_forum_posts_pending', 'forum_posts', ['pending'], unique=False)
    op.create_table('forum_topic_reads',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('last_read_number', sa.Integer(), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_topic_reads_topic_id_forum_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_topic_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_topic_reads')),
    sa.UniqueConstraint('user_id', 'topic_id', name=op.f('uq_forum_topic_reads_user_id_topic_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forum_topic_reads_topic_id'), 'forum_topic_reads', ['topic_id'], unique=False)
    op.create_table('forum_watches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('forum_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_forum_watches_forum_id_forums'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_watches_topic_id_forum_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_watches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_watches')),
    sa.UniqueConstraint('user_id', 'topic_id', 'forum_id', name=op.f('uq_forum_watches_user_id_topic_id_forum_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forum_watches_forum_id'), 'forum_watches', ['forum_id'], unique=False)
    op.create_index(op.f('ix_forum_watches_topic_id'), 'forum_watches', ['topic_id'], unique=False)
    op.create_table('forum_flags',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_flags_post_id_forum_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_forum_flags_resolved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_flags_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_flags')),
    sa.UniqueConstraint('post_id', 'user_id', name=op.f('uq_forum_flags_post_id_user_id')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_forum_flags_open', 'forum_flags', ['resolved_at'], unique=False)
    op.create_index(op.f('ix_forum_flags_user_id'), 'forum_flags', ['user_id'], unique=False)
    op.create_table('forum_post_revisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_forum_post_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_post_revisions_post_id_forum_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_post_revisions')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forum_post_revisions_post_id'), 'forum_post_revisions', ['post_id'], unique=False)
    op.create_table('forum_reactions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_reactions_post_id_forum_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_reactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_reactions')),
    sa.UniqueConstraint('post_id', 'user_id', 'kind', name=op.f('uq_forum_reactions_post_id_user_id_kind')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_forum_reactions_user_id'), 'forum_reactions', ['user_id'], unique=False)
    # ### end Alembic commands ###


def downgrade():
    op.drop_index(op.f('ix_forum_reactions_user_id'), table_name='forum_reactions')
    op.drop_table('forum_reactions')
    op.drop_index(op.f('ix_forum_post_revisions_post_id'), table_name='forum_post_revisions')
    op.drop_table('forum_post_revisions')
    op.drop_index(op.f('ix_forum_flags_user_id'), table_name='forum_flags')
    op.drop_index('ix_forum_flags_open', table_name='forum_flags')
    op.drop_table('forum_flags')
    op.drop_index(op.f('ix_forum_watches_topic_id'), table_name='forum_watches')
    op.drop_index(op.f('ix_forum_watches_forum_id'), table_name='forum_watches')
    op.drop_table('forum_watches')
    op.drop_index(op.f('ix_forum_topic_reads_topic_id'), table_name='forum_topic_reads')
    op.drop_table('forum_topic_reads')
    op.drop_index('ix_forum_posts_pending', table_name='forum_posts')
    op.drop_index(op.f('ix_forum_posts_author_id'), table_name='forum_posts')
    op.drop_table('forum_posts')
    op.drop_index('ix_forum_topics_listing', table_name='forum_topics')
    op.drop_index(op.f('ix_forum_topics_author_id'), table_name='forum_topics')
    op.drop_table('forum_topics')
    op.drop_index(op.f('ix_forum_moderators_user_id'), table_name='forum_moderators')
    op.drop_table('forum_moderators')
    op.drop_index(op.f('ix_forums_field_id'), table_name='forums')
    op.drop_table('forums')
    # ### end Alembic commands ###
