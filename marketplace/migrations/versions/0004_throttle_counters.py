"""throttle counters shared by every process (login and e-mail-change throttling)

Revision ID: 0004_throttle_counters
Revises: 0002_search_indexes
Create Date: 2026-11-26 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_throttle_counters'
down_revision = '0002_search_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'throttle_counters',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_throttle_counters_expires_at'), ['expires_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_counters_expires_at'))
    op.drop_table('throttle_counters')
