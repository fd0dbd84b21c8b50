"""offers: "known to us" codes can be listed (a hint of each) and revoked

Revision ID: 0022_offer_referral_revoke
Revises: 0021_search_field_codes
Create Date: 2026-12-07 02:00:00
"""
import contextlib
import warnings

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0022_offer_referral_revoke'
down_revision = '0021_search_field_codes'
branch_labels = None
depends_on = None


@contextlib.contextmanager
def _rebuilt(table):
    """Batch mode (SQLite rebuilds the table to add a foreign key); reflecting it reaches
    users, whose expression indexes SQLAlchemy says it skips: they are not rebuilt here."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message='Skipped unsupported reflection of expression-based index'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op


def upgrade():
    # codes given before have no hint: only their hash was kept
    with _rebuilt('offer_referrals') as batch_op:
        batch_op.add_column(
            sa.Column('hint', sa.String(length=8), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('revoked_at', app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_offer_referrals_revoked_by_id_users'),
            'users',
            ['revoked_by_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with _rebuilt('offer_referrals') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_offer_referrals_revoked_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('hint')
