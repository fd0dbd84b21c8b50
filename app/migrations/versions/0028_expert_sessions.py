"""experts: weekly availability, one-hour sessions, calendar feeds

Revision ID: 0028_expert_sessions
Revises: 0027_volunteering_more
Create Date: 2026-12-07 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0028_expert_sessions'
down_revision = '0027_volunteering_more'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('expert_profiles', sa.Column('weekly_slots', sa.JSON(), server_default='[]', nullable=False))

    op.create_table('expert_sessions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('live_consultation_id', sa.Integer(), nullable=True),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('booked_by', sa.Integer(), nullable=True),
    sa.Column('starts_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('slot_start', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reschedules', sa.Integer(), nullable=False),
    sa.Column('held_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reschedules >= 0 AND reschedules <= 2', name=op.f('ck_expert_sessions_reschedules_range')),
    sa.ForeignKeyConstraint(['booked_by'], ['users.id'], name=op.f('fk_expert_sessions_booked_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['expert_consultations.id'], name=op.f('fk_expert_sessions_consultation_id_expert_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profiles.id'], name=op.f('fk_expert_sessions_expert_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_sessions')),
    sa.UniqueConstraint('expert_id', 'slot_start', name='uq_expert_sessions_slot'),
    sa.UniqueConstraint('live_consultation_id', name=op.f('uq_expert_sessions_live_consultation_id'))
    )
    with op.batch_alter_table('expert_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_sessions_booked_by'), ['booked_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_sessions_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_sessions_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_sessions_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_sessions_status'), ['status'], unique=False)

    op.create_table('expert_calendar_feeds',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_calendar_feeds')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_expert_calendar_feeds_secret_hash'))
    )
    with op.batch_alter_table('expert_calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_calendar_feeds_user_id'), ['user_id'], unique=True)


def downgrade():
    with op.batch_alter_table('expert_calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_calendar_feeds_user_id'))

    op.drop_table('expert_calendar_feeds')
    with op.batch_alter_table('expert_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_sessions_status'))
        batch_op.drop_index(batch_op.f('ix_expert_sessions_starts_at'))
        batch_op.drop_index(batch_op.f('ix_expert_sessions_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_sessions_consultation_id'))
        batch_op.drop_index(batch_op.f('ix_expert_sessions_booked_by'))

    op.drop_table('expert_sessions')
    # SQLite 3.35+ drops a column in place
    op.drop_column('expert_profiles', 'weekly_slots')
