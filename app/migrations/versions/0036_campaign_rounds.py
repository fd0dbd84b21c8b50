"""campaigns: dated rounds with their own goal, the report deadline per campaign, images'
alt text on updates, informal groups carried by a host

Revision ID: 0036_campaign_rounds
Revises: 0035_aid_cards
Create Date: 2026-12-07 13:40:00

"""

import contextlib
import warnings

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = "0036_campaign_rounds"
down_revision = '0035_aid_cards'
branch_labels = None
depends_on = None


@contextlib.contextmanager
def _rebuilt(table):
    """Batch mode (SQLite rebuilds the table for the check constraint); reflecting it reaches
    users, whose expression indexes SQLAlchemy says it skips: they are not rebuilt here."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message='Skipped unsupported reflection of expression-based index'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op


def upgrade():
    op.create_table(
        "campaign_rounds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("goal", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaign_rounds_dates")),
        sa.CheckConstraint("goal > 0", name=op.f("ck_campaign_rounds_goal_positive")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_rounds_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_rounds")),
    )
    with op.batch_alter_table("campaign_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_rounds_campaign_id"), ["campaign_id"], unique=False
        )

    with _rebuilt("campaigns") as batch_op:
        batch_op.add_column(
            sa.Column("group_name", sa.String(length=160), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("group_referent", sa.String(length=120), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("group_approved_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("group_approved_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_campaigns_group_approved_by_users"),
            "users",
            ["group_approved_by"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.add_column(
            sa.Column("report_days", sa.Integer(), server_default="90", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_campaigns_report_days"), "report_days >= 30 AND report_days <= 180"
        )

    with _rebuilt("campaign_updates") as batch_op:
        batch_op.add_column(
            sa.Column("image_alt", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade():
    with _rebuilt("campaign_updates") as batch_op:
        batch_op.drop_column("image_alt")

    with _rebuilt("campaigns") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_campaigns_group_approved_by_users"), type_="foreignkey"
        )
        batch_op.drop_column("group_approved_at")
        batch_op.drop_column("group_approved_by")
        batch_op.drop_column("group_referent")
        batch_op.drop_column("group_name")
        batch_op.drop_constraint(op.f("ck_campaigns_report_days"), type_="check")
        batch_op.drop_column("report_days")

    with op.batch_alter_table("campaign_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_rounds_campaign_id"))

    op.drop_table("campaign_rounds")
