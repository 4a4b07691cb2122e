"""SQLite: an FTS5 trigram index of listings, kept in step by triggers

A search narrows its candidates with the index (a term of 3+ characters), then its own
``LIKE`` decides, so results are those of the ``LIKE`` alone; see
``marketplace/lessons/sql_injection/rawsql.py``. PostgreSQL uses the pg_trgm indexes of
0002 and needs nothing here.

Revision ID: 0006_search_fts
Revises: 0005_counters
Create Date: 2026-11-26 13:20:00

"""
from alembic import op

from marketplace import derived


# revision identifiers, used by Alembic.
revision = '0006_search_fts'
down_revision = '0005_counters'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    for statement in derived.search_statements(bind.dialect.name):
        bind.exec_driver_sql(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for statement in derived.drop_statements("sqlite"):
        if "fts" in statement:
            bind.exec_driver_sql(statement)
