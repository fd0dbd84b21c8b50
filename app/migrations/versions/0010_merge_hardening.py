"""merge the hardening heads; give every field of activity its forum

Revision ID: 0010_merge_hardening
Revises: 0009_accounts_privacy, 0009_projects_hardening, 0009_messaging_privacy,
    0009_text_safety, 0009_privacy_jobs, 0009_mail
Create Date: 2026-12-04 16:05:00

Forums of fields used to be created by the first reader of ``/forums`` (a GET that wrote).
They are now created with the field (an ORM listener in ``forums``); fields inserted by the
reference-data migration (0003) get theirs here.
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_merge_hardening'
down_revision = (
    '0009_accounts_privacy',
    '0009_projects_hardening',
    '0009_messaging_privacy',
    '0009_text_safety',
    '0009_privacy_jobs',
    '0009_mail',
)
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ") if bind.dialect.name == "sqlite" else now
    bind.execute(
        sa.text(
            "INSERT INTO forums (field_id, name_ar, name_fr, name_en, description_ar,"
            " description_fr, description_en, position, created_at, topic_count, post_count)"
            " SELECT f.id, f.name_ar, f.name_fr, f.name_en,"
            " 'نقاشات وتبادل الخبرات في مجال ' || f.name_ar || '.',"
            " 'Discussions et partage d’expériences : ' || f.name_fr || '.',"
            " 'Discussions and shared experience: ' || f.name_en || '.',"
            " 100 + f.position, :now, 0, 0"
            " FROM fields f"
            " WHERE NOT EXISTS (SELECT 1 FROM forums WHERE forums.field_id = f.id)"
            " ORDER BY f.position, f.id"
        ),
        {"now": stamp},
    )


def downgrade():
    pass  # the forums stay: they may hold discussions by now
