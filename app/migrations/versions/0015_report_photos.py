"""library: photos shown in an activity report (library document ids, kind photo)

Revision ID: 0015_report_photos
Revises: 0014_notification_messages
Create Date: 2026-12-05 04:05:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_report_photos'
down_revision = '0014_notification_messages'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'activity_reports',
        sa.Column('photo_document_ids', sa.JSON(), nullable=False, server_default='[]'),
    )


def downgrade():
    op.drop_column('activity_reports', 'photo_document_ids')
