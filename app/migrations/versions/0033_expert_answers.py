"""experts' answers published in the library, session reminder mails, contracts ended early

Revision ID: 0033_expert_answers
Revises: 0032_search_partitions
Create Date: 2026-12-07 13:40:00.000000

"""
import contextlib
import warnings

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0033_expert_answers'
down_revision = '0032_search_partitions'
branch_labels = None
depends_on = None


@contextlib.contextmanager
def _rebuilt(table):
    """Batch mode (SQLite rebuilds the table to add a foreign key or a unique key);
    reflecting it reaches users, whose expression indexes SQLAlchemy says it skips: they are
    not rebuilt here."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message='Skipped unsupported reflection of expression-based index'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op


def upgrade():
    op.create_table('expert_publications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('association_consent_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('association_consent_by', sa.Integer(), nullable=True),
    sa.Column('expert_consent_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('published_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('unpublished_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unpublished_by', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_consent_by'], ['users.id'], name=op.f('fk_expert_publications_association_consent_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consultation_id'], ['expert_consultations.id'], name=op.f('fk_expert_publications_consultation_id_expert_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_expert_publications_published_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unpublished_by'], ['users.id'], name=op.f('fk_expert_publications_unpublished_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_publications')),
    )
    with op.batch_alter_table('expert_publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_publications_consultation_id'), ['consultation_id'], unique=True)

    with _rebuilt('expert_sessions') as batch_op:
        batch_op.add_column(sa.Column('reminded_24_at', app.db.UTCDateTime(timezone=True), nullable=True))

    with _rebuilt('knowledge_pages') as batch_op:
        batch_op.add_column(sa.Column('source_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('expert_domain', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_knowledge_pages_source_ref'), ['source_ref'])

    with _rebuilt('volunteer_contracts') as batch_op:
        batch_op.add_column(sa.Column('ended_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ended_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ended_side', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('end_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_contracts_ended_by_id_users'), 'users', ['ended_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with _rebuilt('volunteer_contracts') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_volunteer_contracts_ended_by_id_users'), type_='foreignkey')
        batch_op.drop_column('end_reason')
        batch_op.drop_column('ended_side')
        batch_op.drop_column('ended_by_id')
        batch_op.drop_column('ended_at')

    with _rebuilt('knowledge_pages') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_knowledge_pages_source_ref'), type_='unique')
        batch_op.drop_column('expert_domain')
        batch_op.drop_column('source_ref')

    with _rebuilt('expert_sessions') as batch_op:
        batch_op.drop_column('reminded_24_at')

    with op.batch_alter_table('expert_publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_publications_consultation_id'))

    op.drop_table('expert_publications')
