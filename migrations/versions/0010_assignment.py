"""assignment runs: previews computed in the background, kept until applied or discarded

Revision ID: 0010_assignment
Revises: 0011_feedback
Create Date: 2026-12-02 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_assignment'
down_revision = '0011_feedback'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('running', 'ready', 'applied', 'discarded', 'failed', name='runstate',
                               native_enum=False, length=20), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('fallback', sa.Boolean(), nullable=False),
    sa.Column('started_by', sa.String(length=254), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=200), nullable=False),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=True),
    sa.Column('applied_by', sa.String(length=254), nullable=True),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_assignment_run_progress_percent')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_assignment_run_event_id_event'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_run'))
    )
    with op.batch_alter_table('assignment_run', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_run_event_started', ['event_id', 'started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_run', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_run_event_started')
    op.drop_table('assignment_run')
