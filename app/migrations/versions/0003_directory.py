"""directory: fields, regions, provinces, cities, associations, memberships; search outbox

Revision ID: 0003_directory
Revises: 0002_notifications
Create Date: 2026-11-22 04:55:00

Also loads the reference data shipped in directory/data (fields of activity, regions,
provinces, cities); ``jam3ia directory load-reference`` updates it later.
"""
import json
from pathlib import Path

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0003_directory'
down_revision = '0002_notifications'
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[3] / "directory" / "data"


def _load_reference():
    conn = op.get_bind()
    meta = sa.MetaData()
    fields = sa.Table("fields", meta, autoload_with=conn)
    regions = sa.Table("regions", meta, autoload_with=conn)
    provinces = sa.Table("provinces", meta, autoload_with=conn)
    cities = sa.Table("cities", meta, autoload_with=conn)

    def names(entry):
        return {"name_ar": entry["name"]["ar"], "name_fr": entry["name"]["fr"], "name_en": entry["name"]["en"]}

    field_rows = json.loads((DATA / "fields.json").read_text(encoding="utf-8"))
    conn.execute(fields.insert(), [
        {"code": f["code"], "icon": f.get("icon", ""), "position": i,
         "description_ar": f.get("description", {}).get("ar", ""),
         "description_fr": f.get("description", {}).get("fr", ""),
         "description_en": f.get("description", {}).get("en", ""), **names(f)}
        for i, f in enumerate(field_rows)
    ])
    region_rows = json.loads((DATA / "regions.json").read_text(encoding="utf-8"))
    for r_pos, region in enumerate(region_rows):
        region_id = conn.execute(
            regions.insert().returning(regions.c.id),
            {"code": region["code"], "position": r_pos, **names(region)},
        ).scalar_one()
        for p_pos, province in enumerate(region["provinces"]):
            province_id = conn.execute(
                provinces.insert().returning(provinces.c.id),
                {"code": province["code"], "kind": province.get("kind", "province"),
                 "region_id": region_id, "position": p_pos, **names(province)},
            ).scalar_one()
            conn.execute(cities.insert(), [
                {"code": c["code"], "province_id": province_id, "lat": c["lat"], "lng": c["lng"],
                 "position": c_pos, **names(c)}
                for c_pos, c in enumerate(province["cities"])
            ])


def upgrade():
    op.create_table('fields',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description_ar', sa.Text(), nullable=False),
    sa.Column('description_fr', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('icon', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fields')),
    sa.UniqueConstraint('code', name=op.f('uq_fields_code')),
    sqlite_autoincrement=True
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code')),
    sqlite_autoincrement=True
    )
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('doc_type', sa.String(length=40), nullable=False),
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox')),
    sqlite_autoincrement=True
    )
    op.create_table('provinces',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_provinces_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provinces')),
    sa.UniqueConstraint('code', name=op.f('uq_provinces_code')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_provinces_region_id'), 'provinces', ['region_id'], unique=False)
    op.create_table('cities',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lng', sa.Float(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_cities_province_id_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cities')),
    sa.UniqueConstraint('code', name=op.f('uq_cities_code')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_cities_province_id'), 'cities', ['province_id'], unique=False)
    op.create_table('associations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_alt', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=220), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('founded_year', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('logo', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_associations_city_id_cities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_associations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_associations_province_id_provinces')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_associations_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_associations')),
    sa.UniqueConstraint('slug', name=op.f('uq_associations_slug')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_associations_city_id'), 'associations', ['city_id'], unique=False)
    op.create_index(op.f('ix_associations_province_id'), 'associations', ['province_id'], unique=False)
    op.create_index(op.f('ix_associations_region_id'), 'associations', ['region_id'], unique=False)
    op.create_index(op.f('ix_associations_status'), 'associations', ['status'], unique=False)
    op.create_table('association_fields',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_association_fields_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_association_fields_field_id_fields'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('association_id', 'field_id', name=op.f('pk_association_fields'))
    )
    op.create_index(op.f('ix_association_fields_field_id'), 'association_fields', ['field_id'], unique=False)
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_memberships_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('association_id', 'user_id', name=op.f('uq_memberships_association_id_user_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_memberships_association_id'), 'memberships', ['association_id'], unique=False)
    op.create_index(op.f('ix_memberships_user_id'), 'memberships', ['user_id'], unique=False)
    op.create_index('ix_memberships_user_status', 'memberships', ['user_id', 'status'], unique=False)
    _load_reference()


def downgrade():

    op.drop_index('ix_memberships_user_status', table_name='memberships')
    op.drop_index(op.f('ix_memberships_user_id'), table_name='memberships')
    op.drop_index(op.f('ix_memberships_association_id'), table_name='memberships')
    op.drop_table('memberships')
    op.drop_index(op.f('ix_association_fields_field_id'), table_name='association_fields')
    op.drop_table('association_fields')
    op.drop_index(op.f('ix_associations_status'), table_name='associations')
    op.drop_index(op.f('ix_associations_region_id'), table_name='associations')
    op.drop_index(op.f('ix_associations_province_id'), table_name='associations')
    op.drop_index(op.f('ix_associations_city_id'), table_name='associations')
    op.drop_table('associations')
    op.drop_index(op.f('ix_cities_province_id'), table_name='cities')
    op.drop_table('cities')
    op.drop_index(op.f('ix_provinces_region_id'), table_name='provinces')
    op.drop_table('provinces')
    op.drop_table('search_outbox')
    op.drop_table('regions')
    op.drop_table('fields')
