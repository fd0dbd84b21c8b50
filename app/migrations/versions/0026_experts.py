"""experts: specialists, requests and their offers

Revision ID: 0026_experts
Revises: 0023_offer_strikes
Create Date: 2026-12-07 05:37:31.045053

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0026_experts'
down_revision = '0025_volunteering'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert_profiles',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('headline', sa.String(length=160), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('region_ids', sa.JSON(), nullable=False),
    sa.Column('remote', sa.Boolean(), nullable=False),
    sa.Column('modes', sa.JSON(), nullable=False),
    sa.Column('monthly_capacity', sa.Integer(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('no_fee_signed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('conflicts', sa.Text(), nullable=False),
    sa.Column('load_month', sa.String(length=7), nullable=False),
    sa.Column('load_count', sa.Integer(), nullable=False),
    sa.Column('endorsements', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('load_count >= 0', name=op.f('ck_expert_profiles_load_positive')),
    sa.CheckConstraint('monthly_capacity >= 1 AND monthly_capacity <= 20', name=op.f('ck_expert_profiles_capacity_range')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_profiles'))
    )
    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_profiles_user_id'), ['user_id'], unique=True)

    op.create_table('expert_consultations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('remote_ok', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=True),
    sa.Column('matched_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('endorsed', sa.Boolean(), nullable=False),
    sa.Column('rated_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating IS NULL OR (rating >= 1 AND rating <= 5)', name=op.f('ck_expert_consultations_rating_range')),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_expert_consultations_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profiles.id'], name=op.f('fk_expert_consultations_expert_id_expert_profiles'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_expert_consultations_region_id_regions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_expert_consultations_requester_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_consultations'))
    )
    with op.batch_alter_table('expert_consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_consultations_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_consultations_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_consultations_domain'), ['domain'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_consultations_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_consultations_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_consultations_status'), ['status'], unique=False)

    op.create_table('expert_offers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['expert_consultations.id'], name=op.f('fk_expert_offers_consultation_id_expert_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profiles.id'], name=op.f('fk_expert_offers_expert_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_offers')),
    sa.UniqueConstraint('consultation_id', 'expert_id', name='uq_expert_offers_once')
    )
    with op.batch_alter_table('expert_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_offers_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_offers_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_offers_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_offers_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('expert_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_offers_status'))
        batch_op.drop_index(batch_op.f('ix_expert_offers_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_offers_created_at'))
        batch_op.drop_index(batch_op.f('ix_expert_offers_consultation_id'))

    op.drop_table('expert_offers')
    with op.batch_alter_table('expert_consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_consultations_status'))
        batch_op.drop_index(batch_op.f('ix_expert_consultations_requester_id'))
        batch_op.drop_index(batch_op.f('ix_expert_consultations_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_consultations_domain'))
        batch_op.drop_index(batch_op.f('ix_expert_consultations_created_at'))
        batch_op.drop_index(batch_op.f('ix_expert_consultations_association_id'))

    op.drop_table('expert_consultations')
    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_profiles_user_id'))

    op.drop_table('expert_profiles')
