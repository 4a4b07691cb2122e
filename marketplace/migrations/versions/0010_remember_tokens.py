"""remember-me tokens (weak-secret-key's server-side-tokens stage) and issued-cookie digests

Revision ID: 0010_remember_tokens
Revises: 0007_challenges (0006_search_fts before merging branch challenges)
Create Date: 2026-11-26 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_remember_tokens'
down_revision = '0009_shop_greeting'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'remember_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('remember_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remember_tokens_user_id'), ['user_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_remember_tokens_expires_at'), ['expires_at'], unique=False
        )
    op.create_table(
        'remember_cookies_issued',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('digest'),
    )


def downgrade():
    op.drop_table('remember_cookies_issued')
    with op.batch_alter_table('remember_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remember_tokens_expires_at'))
        batch_op.drop_index(batch_op.f('ix_remember_tokens_user_id'))
    op.drop_table('remember_tokens')
