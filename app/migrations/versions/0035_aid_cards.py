"""aid: beneficiary cards (token and PIN digests), witnessed proxies, home deliveries

Revision ID: 0035_aid_cards
Revises: 0034_caravans
Create Date: 2026-12-07 13:45:00

"""
import contextlib
import warnings

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0035_aid_cards'
down_revision = '0034_caravans'
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
    op.create_table('aid_cards',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('pin_digest', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_aid_cards_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['aid_households.id'], name=op.f('fk_aid_cards_household_id_aid_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_aid_cards_issued_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_cards')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_aid_cards_token_digest')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('aid_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_cards_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_cards_household_id'), ['household_id'], unique=False)

    with _rebuilt('aid_entitlements') as batch_op:
        batch_op.add_column(sa.Column('proxy_relation', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('witness_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('card_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_aid_entitlements_witness_id_users'), 'users', ['witness_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_aid_entitlements_card_id_aid_cards'), 'aid_cards', ['card_id'], ['id'], ondelete='SET NULL')

    op.create_table('aid_deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('entitlement_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('scheduled_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('proof', sa.String(length=10), nullable=True),
    sa.Column('witness_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('closed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_aid_deliveries_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['distribution_id'], ['aid_distributions.id'], name=op.f('fk_aid_deliveries_distribution_id_aid_distributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['aid_households.id'], name=op.f('fk_aid_deliveries_household_id_aid_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entitlement_id'], ['aid_entitlements.id'], name=op.f('fk_aid_deliveries_entitlement_id_aid_entitlements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_aid_deliveries_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['witness_id'], ['users.id'], name=op.f('fk_aid_deliveries_witness_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_aid_deliveries_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_deliveries')),
    sa.UniqueConstraint('entitlement_id', name=op.f('uq_aid_deliveries_entitlement_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('aid_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_deliveries_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_deliveries_distribution_id'), ['distribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_deliveries_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_deliveries_assignee_id'), ['assignee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('aid_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_deliveries_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_aid_deliveries_household_id'))
        batch_op.drop_index(batch_op.f('ix_aid_deliveries_distribution_id'))
        batch_op.drop_index(batch_op.f('ix_aid_deliveries_association_id'))
    op.drop_table('aid_deliveries')

    with _rebuilt('aid_entitlements') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_aid_entitlements_card_id_aid_cards'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_aid_entitlements_witness_id_users'), type_='foreignkey')
        batch_op.drop_column('card_id')
        batch_op.drop_column('witness_id')
        batch_op.drop_column('proxy_relation')

    with op.batch_alter_table('aid_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_cards_household_id'))
        batch_op.drop_index(batch_op.f('ix_aid_cards_association_id'))
    op.drop_table('aid_cards')
