"""unplaced: attendees told that the assignment found no seat for them

Revision ID: 0014_unplaced
Revises: 0013_cover
Create Date: 2026-12-03 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_unplaced'
down_revision = '0013_cover'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unplaced_told_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('unplaced_told_at')
