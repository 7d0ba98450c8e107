"""print: badge print runs confirmed by the organiser, who signs certificates

Revision ID: 0010_print
Revises: 0010_orm
Create Date: 2026-12-02 13:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_print'
down_revision = '0010_orm'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'badge_print_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('registration_ids', sa.JSON(), nullable=False),
        sa.Column('settings', sa.JSON(), nullable=False),
        sa.Column('outcome', sa.Enum('pending', 'printed', 'failed', name='printoutcome', native_enum=False,
                                     length=20), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_badge_print_run_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_print_run')),
    )
    with op.batch_alter_table('badge_print_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_print_run_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer_function', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signature', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('signature_mime', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_column('signature_mime')
        batch_op.drop_column('signature')
        batch_op.drop_column('signer_function')
        batch_op.drop_column('signer_name')
    with op.batch_alter_table('badge_print_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_print_run_event_id'))
    op.drop_table('badge_print_run')
