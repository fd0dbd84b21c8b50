"""search: the PostgreSQL backend's documents (tsvector, GIN) and term dictionary

Revision ID: 0008_search_postgres
Revises: 0007_merge_features
Create Date: 2026-11-22 08:40:00

The tables exist on every database (empty on SQLite); the tsvector and text[] types, the
byte-order collation and the GIN indexes apply on PostgreSQL. Fill them with
``jam3ia reindex`` after upgrading a PostgreSQL deployment.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0008_search_postgres'
down_revision = '0007_merge_features'
branch_labels = None
depends_on = None

TERMS = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
VALUES = sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), "postgresql")
ORDERED_TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade():
    op.create_table('search_document',
    sa.Column('doc_type', sa.String(length=40), nullable=False),
    sa.Column('doc_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('terms', TERMS, nullable=False),
    sa.Column('facets', VALUES, nullable=False),
    sa.Column('acl', VALUES, nullable=False),
    sa.Column('sort_name', ORDERED_TEXT, nullable=False),
    sa.Column('created', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('doc_type', 'doc_id', name=op.f('pk_search_document'))
    )
    op.create_index('ix_search_document_terms', 'search_document', ['terms'], unique=False, postgresql_using='gin')
    op.create_index('ix_search_document_facets', 'search_document', ['facets'], unique=False, postgresql_using='gin')
    op.create_index('ix_search_document_name', 'search_document', ['doc_type', 'sort_name', 'doc_id'], unique=False)
    op.create_index('ix_search_document_newest', 'search_document', ['doc_type', 'created', 'doc_id'], unique=False)
    op.create_index('ix_search_document_lat', 'search_document', ['doc_type', 'lat'], unique=False)
    op.create_table('search_term',
    sa.Column('doc_type', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=80), nullable=False),
    sa.Column('term', ORDERED_TEXT, nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('doc_type', 'field', 'term', name=op.f('pk_search_term'))
    )


def downgrade():
    op.drop_table('search_term')
    op.drop_index('ix_search_document_lat', table_name='search_document')
    op.drop_index('ix_search_document_newest', table_name='search_document')
    op.drop_index('ix_search_document_name', table_name='search_document')
    op.drop_index('ix_search_document_facets', table_name='search_document')
    op.drop_index('ix_search_document_terms', table_name='search_document')
    op.drop_table('search_document')
