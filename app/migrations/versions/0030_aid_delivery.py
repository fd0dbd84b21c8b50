"""aid: match keys (every cross-script reading of a name, the phone with a digit masked) and
(association, token) indexes for the duplicate check

Revision ID: 0030_aid_delivery
Revises: 0029_aid_board
Create Date: 2026-12-07 09:20:00

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0030_aid_delivery'
down_revision = '0029_aid_board'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('aid_match_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_aid_match_keys_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['aid_households.id'], name=op.f('fk_aid_match_keys_household_id_aid_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_match_keys')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('aid_match_keys', schema=None) as batch_op:
        batch_op.create_index('ix_aid_match_keys_lookup', ['association_id', 'token'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_match_keys_household_id'), ['household_id'], unique=False)

    with op.batch_alter_table('aid_households', schema=None) as batch_op:
        batch_op.create_index('ix_aid_households_phone_lookup', ['association_id', 'phone_token'], unique=False)
        batch_op.create_index('ix_aid_households_national_id_lookup', ['association_id', 'national_id_token'], unique=False)
        batch_op.create_index('ix_aid_households_name_lookup', ['association_id', 'name_token'], unique=False)


def downgrade():
    with op.batch_alter_table('aid_households', schema=None) as batch_op:
        batch_op.drop_index('ix_aid_households_name_lookup')
        batch_op.drop_index('ix_aid_households_national_id_lookup')
        batch_op.drop_index('ix_aid_households_phone_lookup')

    with op.batch_alter_table('aid_match_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_match_keys_household_id'))
        batch_op.drop_index('ix_aid_match_keys_lookup')

    op.drop_table('aid_match_keys')
