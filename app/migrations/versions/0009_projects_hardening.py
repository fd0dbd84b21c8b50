"""projects hardening: edit versions of projects and milestones (optimistic concurrency),
invitations of associations to co-own a project (an owner is added only with its consent)

Revision ID: 0009_projects_hardening
Revises: 0008_search_postgres
"""


from alembic import op
import sqlalchemy as sa

import app.db


revision = "0009_projects_hardening"
down_revision = "0008_search_postgres"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("project_milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "project_invitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_project_invitations_association_id_associations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_project_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_invitations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_invitations")),
        sa.UniqueConstraint(
            "project_id",
            "association_id",
            name=op.f("uq_project_invitations_project_id_association_id"),
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("project_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_invitations_association_id"), ["association_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("project_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_invitations_association_id"))
    op.drop_table("project_invitations")
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+): batch mode would copy the tables,
    # and dropping the old copy with foreign keys on deletes the rows that reference it.
    op.drop_column("project_milestones", "version")
    op.drop_column("projects", "version")
