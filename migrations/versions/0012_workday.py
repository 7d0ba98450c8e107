"""workday: theme tables and marked workshops share rooms, badges marked for reprint, registrations without e-mail

Revision ID: 0012_workday
Revises: 0010_print
Create Date: 2026-12-02 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_workday'
down_revision = '0010_print'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('program_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shares_room', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('badge_reprint', sa.Boolean(), nullable=False, server_default=sa.false()))
        # Registrations by phone or on paper may have no e-mail address (""): unique only where there is one.
        batch_op.drop_constraint('uq_registration_event_email', type_='unique')
    op.create_index('uq_registration_event_email', 'registration', ['event_id', 'email'], unique=True,
                    postgresql_where=sa.text("email <> ''"), sqlite_where=sa.text("email <> ''"))


def downgrade():
    op.drop_index('uq_registration_event_email', table_name='registration')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_registration_event_email', ['event_id', 'email'])
        batch_op.drop_column('badge_reprint')
    with op.batch_alter_table('program_item', schema=None) as batch_op:
        batch_op.drop_column('shares_room')
