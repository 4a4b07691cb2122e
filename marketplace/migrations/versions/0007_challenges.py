"""challenge progress: solves per learner (by the learner or shown by the lab) and hints

Revision ID: 0007_challenges
Revises: 0006_search_fts
Create Date: 2026-11-26 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_challenges'
down_revision = '0006_search_fts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'challenge_solves',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner', sa.String(length=40), nullable=False),
        sa.Column('lesson', sa.String(length=64), nullable=False),
        sa.Column('exploit', sa.String(length=64), nullable=False),
        sa.Column('by', sa.String(length=8), nullable=False),
        sa.Column('evidence', sa.String(length=500), nullable=False),
        sa.Column('solved_at', sa.DateTime(), nullable=False),
        sa.Column('notified', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('learner', 'lesson', 'exploit', 'by'),
    )
    with op.batch_alter_table('challenge_solves', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_challenge_solves_learner'), ['learner'], unique=False
        )
    op.create_table(
        'challenge_hints',
        sa.Column('learner', sa.String(length=40), nullable=False),
        sa.Column('lesson', sa.String(length=64), nullable=False),
        sa.Column('exploit', sa.String(length=64), nullable=False),
        sa.Column('hint', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('learner', 'lesson', 'exploit', 'hint'),
    )


def downgrade():
    op.drop_table('challenge_hints')
    with op.batch_alter_table('challenge_solves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_solves_learner'))
    op.drop_table('challenge_solves')
