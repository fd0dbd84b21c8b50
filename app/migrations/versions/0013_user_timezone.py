"""accounts: each person's time zone (users.timezone, an IANA name; NULL = platform default)

Revision ID: 0013_user_timezone
Revises: 0012_merge_library
Create Date: 2026-12-04 23:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_user_timezone'
down_revision = '0012_merge_library'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch mode: rebuilding users on SQLite would drop its
    # expression indexes (unique lower(username), lower(email)).
    op.add_column('users', sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('users', 'timezone')  # SQLite 3.35+ drops a column in place
