"""mail: verified email addresses and the opt-in daily digest of notifications

Revision ID: 0009_mail
Revises: 0008_search_postgres
Create Date: 2026-12-04 16:25:00

Accounts that exist before this revision count as verified (they were made without the
setting); new ones are verified by the link of their welcome mail when JAM3IA_VERIFY_EMAIL
is on.
"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0009_mail'
down_revision = '0008_search_postgres'
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN, not batch mode: SQLite's batch copy would lose the expression
    # indexes uq_users_username_lower / uq_users_email_lower (it cannot reflect them)
    op.add_column('users', sa.Column('email_verified_at', app.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('email_digest', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('users', sa.Column('digest_sent_at', app.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at")


def downgrade():
    # in place (SQLite 3.35+): a batch copy of users would drop the old table, deleting the
    # rows that reference it (foreign keys on), and lose its expression indexes
    op.drop_column('users', 'digest_sent_at')
    op.drop_column('users', 'email_digest')
    op.drop_column('users', 'email_verified_at')
