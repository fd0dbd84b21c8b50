"""merge the library, knowledge and search-performance heads

Revision ID: 0012_merge_library
Revises: 0011_library, 0011_library_knowledge, 0011_search_perf
Create Date: 2026-12-04 21:20:00
"""

# revision identifiers, used by Alembic.
revision = "0012_merge_library"
down_revision = ("0011_library", "0011_library_knowledge", "0011_search_perf")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
