"""harden: retention date set explicitly or following the event's dates, erased registrations marked,
audit entries linked to the registration they name (so erasure can redact them)

Revision ID: 0010_harden
Revises: 0012_english
Create Date: 2026-12-02 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_harden'
down_revision = '0012_english'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_explicit', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
    # Registrations of events purged before this revision were erased by that purge.
    op.execute("UPDATE registration SET erased_at = (SELECT purged_at FROM event WHERE event.id = registration.event_id) "
               "WHERE event_id IN (SELECT id FROM event WHERE purged_at IS NOT NULL)")
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entry_registration_id'), ['registration_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entry_registration_id_registration'), 'registration',
                                    ['registration_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_entry_registration_id_registration'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_entry_registration_id'))
        batch_op.drop_column('registration_id')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('retention_explicit')
