"""english: the language each registration was made in (its e-mails are written in it)

Revision ID: 0012_english
Revises: 0012_workday
Create Date: 2026-12-02 14:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_english'
down_revision = '0012_workday'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=False, server_default='de'))
        batch_op.create_check_constraint(op.f('ck_registration_language_known'), "language IN ('de', 'en')")


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_language_known'), type_='check')
        batch_op.drop_column('language')
