"""projects: projects, owning associations, milestones and dependencies, activities,
comments, change history, personal calendar feeds

Revision ID: 0006_projects
Revises: 0003_directory
"""
from alembic import op
import sqlalchemy as sa

import app.db


revision = "0006_projects"
down_revision = "0003_directory"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('project_calendar_feeds',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_calendar_feeds')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_project_calendar_feeds_secret_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_project_calendar_feeds_user_id')),
    sqlite_autoincrement=True
    )
    op.create_table('projects',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_projects_dates')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_visibility'), ['visibility'], unique=False)
    op.create_table('project_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('entity', sa.String(length=12), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_project_changes_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_changes_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_changes')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('project_changes', schema=None) as batch_op:
        batch_op.create_index('ix_project_changes_project', ['project_id', 'id'], unique=False)
    op.create_table('project_comments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_comments_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_comments')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('project_comments', schema=None) as batch_op:
        batch_op.create_index('ix_project_comments_project', ['project_id', 'id'], unique=False)
    op.create_table('project_milestones',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('completed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('overdue_notified_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_project_milestones_progress')),
    sa.CheckConstraint('weight >= 1', name=op.f('ck_project_milestones_weight')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_milestones_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestones_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_milestones_project_id'), ['project_id'], unique=False)
    op.create_table('project_activities',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('starts_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['milestone_id'], ['project_milestones.id'], name=op.f('fk_project_activities_milestone_id_project_milestones'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_activities_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_activities')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('project_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_activities_milestone_id'), ['milestone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_activities_project_id'), ['project_id'], unique=False)
    op.create_table('project_milestone_dependencies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['predecessor_id'], ['project_milestones.id'], name=op.f('fk_project_milestone_dependencies_predecessor_id_project_milestones'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['successor_id'], ['project_milestones.id'], name=op.f('fk_project_milestone_dependencies_successor_id_project_milestones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestone_dependencies')),
    sa.UniqueConstraint('successor_id', 'predecessor_id', name=op.f('uq_project_milestone_dependencies_successor_id_predecessor_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('project_milestone_dependencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestone_dependencies_predecessor_id'), ['predecessor_id'], unique=False)
    op.create_table('project_associations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_project_associations_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_associations_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_associations')),
    sa.UniqueConstraint('project_id', 'association_id', name=op.f('uq_project_associations_project_id_association_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('project_associations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_associations_association_id'), ['association_id'], unique=False)


def downgrade():
    with op.batch_alter_table('project_associations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_associations_association_id'))
    op.drop_table('project_associations')
    with op.batch_alter_table('project_milestone_dependencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_milestone_dependencies_predecessor_id'))
    op.drop_table('project_milestone_dependencies')
    with op.batch_alter_table('project_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_activities_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_activities_milestone_id'))
    op.drop_table('project_activities')
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_milestones_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_milestones_due_on'))
    op.drop_table('project_milestones')
    with op.batch_alter_table('project_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_project_comments_project')
    op.drop_table('project_comments')
    with op.batch_alter_table('project_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_project_changes_project')
    op.drop_table('project_changes')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_visibility'))
    op.drop_table('projects')
    op.drop_table('project_calendar_feeds')
