"""golive: a network's settings (body, address, colour, sender, accessibility statement) and
the network of each outbox e-mail

Revision ID: 0010_golive
Revises: 0010_partners
Create Date: 2026-12-02 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_golive'
down_revision = '0010_partners'
branch_labels = None
depends_on = None

TEMPLATE_AUTHORITY = "Die oder der Landesbeauftragte für den Datenschutz Ihres Bundeslandes"


def upgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_name', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('responsible_body', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('representative', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('accent_color', sa.String(length=7), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('mail_sender_name', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('accessibility_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('accessibility_limitations', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('accessibility_contact', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('enforcement_body', sa.String(length=20), nullable=False, server_default=''))
    # The old free-text contact (body, address, phone in one) becomes the postal address; the
    # admin splits it in the settings. The old default authority was a placeholder, not a setting.
    op.execute("UPDATE network SET postal_address = contact")
    op.execute(sa.text("UPDATE network SET supervisory_authority = '' WHERE supervisory_authority = :old")
               .bindparams(old=TEMPLATE_AUTHORITY))
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_column('contact')
        batch_op.create_check_constraint(
            'accent_color_hex',
            "accent_color = '' OR (length(accent_color) = 7 AND substr(accent_color, 1, 1) = '#')")
        batch_op.create_check_constraint('retention_months_range', "retention_months BETWEEN 1 AND 120")

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_network_id'), ['network_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_network_id_network'), 'network',
                                    ['network_id'], ['id'], ondelete='CASCADE')
    op.execute("UPDATE outbox_message SET network_id = "
               "(SELECT event.network_id FROM event WHERE event.id = outbox_message.event_id) "
               "WHERE event_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_network_id_network'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_network_id'))
        batch_op.drop_column('network_id')

    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact', sa.Text(), nullable=False, server_default=''))
    op.execute("UPDATE network SET contact = postal_address")
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_constraint('retention_months_range', type_='check')
        batch_op.drop_constraint('accent_color_hex', type_='check')
        for column in ('enforcement_body', 'accessibility_contact', 'accessibility_limitations',
                       'accessibility_date', 'reply_to', 'mail_sender_name', 'accent_color', 'phone',
                       'postal_address', 'representative', 'responsible_body', 'short_name'):
            batch_op.drop_column(column)
