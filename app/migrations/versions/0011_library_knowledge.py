"""library knowledge: knowledge pages (network-wide or of one association) with their
append-only revisions, and activity reports (attendance counts, outputs, lessons)

Revision ID: 0011_library_knowledge
Revises: 0010_merge_hardening
Create Date: 2026-12-04 20:48:12.457585

"""

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = "0011_library_knowledge"
down_revision = "0010_merge_hardening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "knowledge_pages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("template", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "direction IN ('auto', 'rtl', 'ltr')", name=op.f("ck_knowledge_pages_direction")
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_knowledge_pages_association_id_associations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_knowledge_pages_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_pages")),
    )
    with op.batch_alter_table("knowledge_pages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_knowledge_pages_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_knowledge_pages_visibility"), ["visibility"], unique=False
        )

    op.create_table(
        "knowledge_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_knowledge_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["knowledge_pages.id"],
            name=op.f("fk_knowledge_revisions_page_id_knowledge_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_revisions")),
        sa.UniqueConstraint("page_id", "number", name="uq_knowledge_revisions_page_id_number"),
    )

    op.create_table(
        "activity_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendance", sa.JSON(), nullable=False),
        sa.Column("outputs", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_activity_reports_association_id_associations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_activity_reports_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_reports")),
    )
    op.create_index(
        op.f("ix_activity_reports_activity_id"), "activity_reports", ["activity_id"], unique=False
    )
    op.create_index(
        op.f("ix_activity_reports_association_id"),
        "activity_reports",
        ["association_id"],
        unique=False,
    )


def downgrade():
    op.drop_table("activity_reports")
    op.drop_table("knowledge_revisions")
    with op.batch_alter_table("knowledge_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_pages_visibility"))
        batch_op.drop_index(batch_op.f("ix_knowledge_pages_association_id"))

    op.drop_table("knowledge_pages")
