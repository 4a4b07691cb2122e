"""trigram indexes write straight into the index (no GIN pending list) on PostgreSQL

With ``fastupdate`` on (PostgreSQL's default), new listings' trigrams wait in the index's
pending list until a VACUUM (or autovacuum) merges them, and every search reads that whole
list, up to ``gin_pending_list_limit`` (4 MB), whatever the term. Measured on 100,000
fresh listings: a search for a term that matches nothing read 300 pages of the title
index's pending list and took 3.1 ms; after merging it read 35 pages and took 0.4 ms.
Search time should not depend on when autovacuum last ran, so inserts pay for their
trigrams at once instead (see BENCHMARKS.md, figure 2, for the cost on a bulk load).

Revision ID: 0011_trigram_no_pending_list
Revises: 0010_remember_tokens
Create Date: 2026-11-27 02:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011_trigram_no_pending_list'
down_revision = '0010_remember_tokens'
branch_labels = None
depends_on = None

INDEXES = ("ix_listings_title_trgm", "ix_listings_description_trgm")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # Turning it off does not merge what is already pending.
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
