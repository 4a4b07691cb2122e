"""counters kept by triggers: the number of listings, the version of the lesson stages

``counters.listings`` makes the API's ``total`` exact without ``COUNT(*)``;
``counters.lesson_stages`` lets each worker cache the active stages and check one row per
request. The statements live in ``marketplace/derived.py`` (``db.create_all()`` uses them
too).

Revision ID: 0005_counters
Revises: 0004_throttle_counters
Create Date: 2026-11-26 13:20:00

"""
from alembic import op

from marketplace import derived


# revision identifiers, used by Alembic.
revision = '0005_counters'
down_revision = '0004_throttle_counters'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    for statement in derived.counter_statements(bind.dialect.name):
        bind.exec_driver_sql(statement)


def downgrade():
    bind = op.get_bind()
    for statement in derived.drop_statements(bind.dialect.name):
        if "fts" not in statement:
            bind.exec_driver_sql(statement)
