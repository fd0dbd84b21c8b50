"""accounts: a person's uploaded avatar and skills

Revision ID: 0017_profile_avatar_skills
Revises: 0016_offers
Create Date: 2026-12-05 15:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_profile_avatar_skills'
down_revision = '0016_offers'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not batch mode: rebuilding users on SQLite would drop its
    # expression indexes (unique lower(username), lower(email)).
    op.add_column('users', sa.Column('skills', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('users', sa.Column('avatar', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('users', 'avatar')  # SQLite 3.35+ drops a column in place
    op.drop_column('users', 'skills')
