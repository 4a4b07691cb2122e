"""listing photos: the name of each listing's photo in the uploads folder

A nullable column added in place (``ALTER TABLE ... ADD COLUMN`` on both databases), so
SQLite keeps the table and the search triggers of 0006 untouched.

Revision ID: 0008_listing_photos
Revises: 0007_challenges
Create Date: 2026-11-26 16:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008_listing_photos'
down_revision = '0007_challenges'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('listings', sa.Column('photo', sa.String(length=255), nullable=True))


def downgrade():
    op.drop_column('listings', 'photo')
