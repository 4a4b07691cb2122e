"""users.greeting: a seller's shop greeting with placeholders (template-injection lesson)

Revision ID: 0009_shop_greeting
Revises: 0007_challenges (0006_search_fts before the challenges merge)
Create Date: 2026-11-26 16:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_shop_greeting'
down_revision = '0008_listing_photos'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("greeting", sa.String(300), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("greeting")
