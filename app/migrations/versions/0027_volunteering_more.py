"""volunteering: contracts of contractual volunteers, shift reminders (48 h and 24 h), hours
entered by hand (self-contained: only its own tables; rechained at merge)

Revision ID: 0027_volunteering_more
Revises: 0026_experts
Create Date: 2026-12-07 09:20:00.000000

"""
import contextlib
import warnings

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0027_volunteering_more'
down_revision = '0026_experts'
branch_labels = None
depends_on = None


@contextlib.contextmanager
def _rebuilt(table):
    """Batch mode (SQLite rebuilds the table to add a foreign key); reflecting it reaches
    users, whose expression indexes SQLAlchemy says it skips: they are not rebuilt here."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message='Skipped unsupported reflection of expression-based index'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op


def upgrade():
    op.create_table('volunteer_contracts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('tasks', sa.Text(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('expenses', sa.Text(), nullable=False),
    sa.Column('insurance_reference', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('volunteer_signed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('coordinator_signed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('text_ar', sa.Text(), nullable=True),
    sa.Column('text_fr', sa.Text(), nullable=True),
    sa.Column('text_sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status = 'draft' OR (volunteer_signed_at IS NOT NULL AND coordinator_signed_at IS NOT NULL AND text_sha256 IS NOT NULL)", name=op.f('ck_volunteer_contracts_signed')),
    sa.CheckConstraint("status IN ('draft', 'signed')", name=op.f('ck_volunteer_contracts_status')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_volunteer_contracts_period')),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_volunteer_contracts_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_volunteer_contracts_coordinator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_volunteer_contracts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_volunteer_contracts_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['users.id'], name=op.f('fk_volunteer_contracts_volunteer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_contracts')),
    sa.UniqueConstraint('opportunity_id', 'volunteer_id', name=op.f('uq_volunteer_contracts_opportunity_id_volunteer_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('volunteer_contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_contracts_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_contracts_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_contracts_volunteer_id'), ['volunteer_id'], unique=False)

    with _rebuilt('volunteer_signups') as batch_op:
        batch_op.add_column(sa.Column('reminded_48_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_24_at', app.db.UTCDateTime(timezone=True), nullable=True))

    with _rebuilt('volunteer_hours') as batch_op:
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_hours_entered_by_id_users'), 'users', ['entered_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with _rebuilt('volunteer_hours') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_volunteer_hours_entered_by_id_users'), type_='foreignkey')
        batch_op.drop_column('entered_by_id')

    with _rebuilt('volunteer_signups') as batch_op:
        batch_op.drop_column('reminded_24_at')
        batch_op.drop_column('reminded_48_at')

    with op.batch_alter_table('volunteer_contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_contracts_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_contracts_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_contracts_association_id'))

    op.drop_table('volunteer_contracts')
