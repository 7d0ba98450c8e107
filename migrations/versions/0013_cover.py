"""cover: a photo behind the flyers' title, per event

Revision ID: 0013_cover
Revises: 0010_harden
Create Date: 2026-12-03 00:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_cover'
down_revision = '0010_harden'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_image', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('cover_image_mime', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('cover_image_mime')
        batch_op.drop_column('cover_image')
