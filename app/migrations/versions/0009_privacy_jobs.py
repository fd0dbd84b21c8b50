"""privacy and jobs: the personal-data access log and the periodic jobs' schedule

Revision ID: 0009_privacy_jobs
Revises: 0008_search_postgres
Create Date: 2026-12-04 16:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0009_privacy_jobs'
down_revision = '0008_search_postgres'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('due_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_started_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_result', sa.String(length=200), nullable=True),
    sa.Column('last_duration_ms', sa.Integer(), nullable=True),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_runs'))
    )
    op.create_table('personal_data_access',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=80), nullable=False),
    sa.Column('model', sa.String(length=80), nullable=False),
    sa.Column('row_id', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('face', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_personal_data_access_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_access')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.create_index('ix_personal_data_access_object', ['model', 'row_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_access_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_access_at'), ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_data_access_at'))
        batch_op.drop_index(batch_op.f('ix_personal_data_access_actor_id'))
        batch_op.drop_index('ix_personal_data_access_object')
    op.drop_table('personal_data_access')
    op.drop_table('job_runs')
