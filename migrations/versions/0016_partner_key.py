"""partner key: each institution once per network however its name is typed, found by an index

Revision ID: 0016_partner_key
Revises: 0015_orphans
Create Date: 2026-12-03 06:40:00

Registering looked up the attendee's institution by reading every name of the directory and
comparing them in Python (case and spaces do not count); now the compared form is stored
(``partner.name_key``) and unique per network, so one indexed row answers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_partner_key'
down_revision = '0015_orphans'
branch_labels = None
depends_on = None

partner = sa.table('partner', sa.column('id', sa.Integer), sa.column('network_id', sa.Integer),
                   sa.column('name', sa.String), sa.column('name_key', sa.String))


def upgrade():
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=400), nullable=False, server_default=''))
    bind = op.get_bind()
    taken = set()
    for partner_id, network_id, name in bind.execute(
            sa.select(partner.c.id, partner.c.network_id, partner.c.name).order_by(partner.c.id)).all():
        # As confapp.models.partner.name_key does (a migration keeps the rule of its day).
        key = " ".join((name or "").split()).casefold()
        if (network_id, key) in taken:  # written twice before the check held: the older one keeps the name
            key = f"{key} #{partner_id}"
        taken.add((network_id, key))
        bind.execute(partner.update().where(partner.c.id == partner_id).values(name_key=key))
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_constraint('uq_partner_network_name', type_='unique')
        batch_op.create_unique_constraint('uq_partner_network_name_key', ['network_id', 'name_key'])
        batch_op.alter_column('name_key', server_default=None)


def downgrade():
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_constraint('uq_partner_network_name_key', type_='unique')
        batch_op.create_unique_constraint('uq_partner_network_name', ['network_id', 'name'])
        batch_op.drop_column('name_key')
