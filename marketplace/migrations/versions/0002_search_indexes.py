"""trigram indexes for listing search on PostgreSQL

Search is ``title ILIKE '%term%' OR description ILIKE '%term%'``: a B-tree cannot help
with a leading wildcard, a trigram GIN index can (pg_trgm ships with PostgreSQL and is a
trusted extension, so the database owner may create it). SQLite has no equivalent short
of FTS5, which would change the search semantics; there the search scans (see
docs/SCALE.md for the measured bound).

Revision ID: 0002_search_indexes
Revises: 0001_initial
Create Date: 2026-11-26 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002_search_indexes'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_listings_title_trgm "
        "ON listings USING gin (title gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_listings_description_trgm "
        "ON listings USING gin (description gin_trgm_ops)"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_listings_description_trgm")
    op.execute("DROP INDEX IF EXISTS ix_listings_title_trgm")
