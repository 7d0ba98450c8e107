"""assignment: sector cap per event, notification time per assignment

Revision ID: 0006_assignment
Revises: 0005_retention
Create Date: 2026-11-23 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_assignment'
down_revision = '0005_retention'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sector_cap_percent', sa.Integer(), nullable=True, server_default='40'))
        batch_op.create_check_constraint(
            op.f('ck_event_sector_cap_percent_range'),
            'sector_cap_percent IS NULL OR sector_cap_percent BETWEEN 1 AND 100')

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('notified_at')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_sector_cap_percent_range'), type_='check')
        batch_op.drop_column('sector_cap_percent')
