"""listing_candidates(): a search term's candidates by the trigram indexes, on PostgreSQL

The fixed search stages ask for the ids of the listings that may hold a term before they
search those rows (``narrowing()`` in ``lessons/sql_injection/rawsql.py``). Left to the
planner, that question was sometimes answered by walking the date index through the whole
table (its estimate for ``ILIKE '%term%'`` knows nothing of trigrams, and a prepared
statement's generic plan knows nothing of the term): 1.7 s at a million listings for a
rare term whose trigrams are all common. The function (``marketplace/derived.py``) is a
bitmap scan of the two pg_trgm indexes every time.

Revision ID: 0012_listing_candidates
Revises: 0011_trigram_no_pending_list
Create Date: 2026-11-27 05:35:00

"""
from alembic import op

from marketplace import derived


# revision identifiers, used by Alembic.
revision = '0012_listing_candidates'
down_revision = '0011_trigram_no_pending_list'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    for statement in derived.candidate_statements(bind.dialect.name):
        bind.exec_driver_sql(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(derived.DROP_CANDIDATES)
