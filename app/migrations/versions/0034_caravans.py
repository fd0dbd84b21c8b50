"""volunteering: caravans, their partners, components and load; caravan certificates

Revision ID: 0034_caravans
Revises: 0033_expert_answers
Create Date: 2026-12-07 13:50:00

"""
import contextlib
import warnings

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0034_caravans'
down_revision = '0033_expert_answers'
branch_labels = None
depends_on = None


@contextlib.contextmanager
def _rebuilt(table):
    """Batch mode (SQLite rebuilds the table for its new foreign and unique keys); reflecting
    it reaches users, whose expression indexes SQLAlchemy says it skips: not rebuilt here."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message='Skipped unsupported reflection of expression-based index'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op


def upgrade():
    op.create_table('caravans',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('lead_association_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('douar', sa.String(length=160), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('people_reached', sa.Integer(), nullable=True),
    sa.Column('story_ar', sa.Text(), nullable=False),
    sa.Column('story_fr', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ready_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('certificates_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'planning', 'ready', 'under_way', 'done', 'cancelled')", name=op.f('ck_caravans_status')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_caravans_dates')),
    sa.CheckConstraint('people_reached IS NULL OR people_reached >= 0', name=op.f('ck_caravans_reached')),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_caravans_city_id_cities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_caravans_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_association_id'], ['associations.id'], name=op.f('fk_caravans_lead_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_caravans_province_id_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caravans')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('caravans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caravans_lead_association_id'), ['lead_association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_caravans_province_id'), ['province_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_caravans_status'), ['status'], unique=False)

    op.create_table('caravan_partners',
    sa.Column('caravan_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invited_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('invited', 'accepted', 'declined')", name=op.f('ck_caravan_partners_status')),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_caravan_partners_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['caravan_id'], ['caravans.id'], name=op.f('fk_caravan_partners_caravan_id_caravans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('caravan_id', 'association_id', name=op.f('pk_caravan_partners'))
    )
    with op.batch_alter_table('caravan_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caravan_partners_association_id'), ['association_id'], unique=False)

    op.create_table('caravan_components',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('caravan_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.String(length=5), nullable=False),
    sa.Column('end_time', sa.String(length=5), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('medical', 'school_repair', 'distribution', 'children', 'training')", name=op.f('ck_caravan_components_kind')),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_caravan_components_times')),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_caravan_components_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['caravan_id'], ['caravans.id'], name=op.f('fk_caravan_components_caravan_id_caravans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_caravan_components_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caravan_components')),
    sa.UniqueConstraint('opportunity_id', name=op.f('uq_caravan_components_opportunity_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('caravan_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caravan_components_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_caravan_components_caravan_id'), ['caravan_id'], unique=False)

    op.create_table('caravan_loads',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('caravan_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('aid_kit', 'distribution')", name=op.f('ck_caravan_loads_kind')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_caravan_loads_quantity')),
    sa.ForeignKeyConstraint(['caravan_id'], ['caravans.id'], name=op.f('fk_caravan_loads_caravan_id_caravans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['component_id'], ['caravan_components.id'], name=op.f('fk_caravan_loads_component_id_caravan_components'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caravan_loads')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('caravan_loads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caravan_loads_caravan_id'), ['caravan_id'], unique=False)

    with _rebuilt('volunteer_certificates') as batch_op:
        batch_op.add_column(sa.Column('caravan_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_volunteer_certificates_caravan_id'), ['caravan_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_volunteer_certificates_caravan_id_volunteer_id'), ['caravan_id', 'volunteer_id'])
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_certificates_caravan_id_caravans'), 'caravans', ['caravan_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with _rebuilt('volunteer_certificates') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_volunteer_certificates_caravan_id_caravans'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_volunteer_certificates_caravan_id_volunteer_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_volunteer_certificates_caravan_id'))
        batch_op.drop_column('caravan_id')

    with op.batch_alter_table('caravan_loads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caravan_loads_caravan_id'))
    op.drop_table('caravan_loads')
    with op.batch_alter_table('caravan_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caravan_components_caravan_id'))
        batch_op.drop_index(batch_op.f('ix_caravan_components_association_id'))
    op.drop_table('caravan_components')
    with op.batch_alter_table('caravan_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caravan_partners_association_id'))
    op.drop_table('caravan_partners')
    with op.batch_alter_table('caravans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caravans_status'))
        batch_op.drop_index(batch_op.f('ix_caravans_province_id'))
        batch_op.drop_index(batch_op.f('ix_caravans_lead_association_id'))
    op.drop_table('caravans')
