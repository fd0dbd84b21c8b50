"""notifications: the sentence kept as its message and parameters (notifications.message),
written in the reader's language when shown; rows made before keep their text

Revision ID: 0014_notification_messages
Revises: 0013_user_timezone
Create Date: 2026-12-05 00:10:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_notification_messages'
down_revision = '0013_user_timezone'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('notifications', sa.Column('message', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('notifications', 'message')  # SQLite 3.35+ drops a column in place
