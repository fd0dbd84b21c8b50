"""merge features: forums, messaging and projects all follow directory

Revision ID: 0007_merge_features
Revises: 0004_forums, 0005_messaging, 0006_projects
Create Date: 2026-11-22 05:32:43.423087

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0007_merge_features'
down_revision = ('0004_forums', '0005_messaging', '0006_projects')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
