"""offers: strikes stored with their date and reason (they count for a window of days)

Strikes were a bare counter, given only when a moderator refused a post: the refused posts
give back the dated strikes of before (their date is the refusal's, their reason what the
author was told, empty once the post was purged).

Revision ID: 0023_offer_strikes
Revises: 0022_offer_referral_revoke
Create Date: 2026-12-07 02:10:00
"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0023_offer_strikes'
down_revision = '0022_offer_referral_revoke'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offer_strikes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['users.id'], name=op.f('fk_offer_strikes_moderator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_strikes_offer_id_offers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_offer_strikes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_strikes'))
    )
    with op.batch_alter_table('offer_strikes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_strikes_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_strikes_user_id'), ['user_id'], unique=False)
    op.execute(
        "INSERT INTO offer_strikes (user_id, offer_id, kind, reason, moderator_id, created_at) "
        "SELECT author_id, id, 'refused', review_reason, NULL, COALESCE(closed_at, created_at) "
        "FROM offers WHERE status = 'refused' AND author_id IS NOT NULL ORDER BY id"
    )


def downgrade():
    with op.batch_alter_table('offer_strikes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_strikes_user_id'))
        batch_op.drop_index(batch_op.f('ix_offer_strikes_created_at'))
    op.drop_table('offer_strikes')
