"""orm: event.page_version, the public pages' cache key

Revision ID: 0010_orm
Revises: 0010_team

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_orm'
down_revision = '0010_team'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('page_version')
