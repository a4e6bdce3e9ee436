"""Initial cache schema: customers, invoices with lines, preferences, sync cursors, outbox.

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-27 23:24:42.544661
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('billing_preferences',
    sa.Column('customer_code', sa.String(length=50), nullable=False),
    sa.Column('channel', sa.String(length=5), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('consent_at', sa.DateTime(), nullable=False),
    sa.Column('registered_by', sa.String(length=50), nullable=False),
    sa.Column('branch', sa.String(length=50), nullable=False),
    sa.CheckConstraint("channel IN ('PAPER', 'EMAIL', 'BOTH')", name=op.f('ck_billing_preferences_channel')),
    sa.PrimaryKeyConstraint('customer_code', name=op.f('pk_billing_preferences'))
    )
    op.create_table('customers',
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tax_id', sa.String(length=32), nullable=True),
    sa.Column('tax_id_key', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('street', sa.String(length=254), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('zip_code', sa.String(length=20), nullable=True),
    sa.Column('state', sa.String(length=100), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_customers'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_tax_id_key'), ['tax_id_key'], unique=False)

    op.create_table('invoices',
    sa.Column('doc_entry', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('doc_num', sa.Integer(), nullable=False),
    sa.Column('customer_code', sa.String(length=50), nullable=False),
    sa.Column('customer_name', sa.String(length=200), nullable=False),
    sa.Column('customer_tax_id', sa.String(length=32), nullable=True),
    sa.Column('posting_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('net_total', sa.BigInteger(), nullable=False),
    sa.Column('tax_total', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('paid_to_date', sa.BigInteger(), nullable=False),
    sa.Column('sap_status', sa.String(length=10), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('customer_reference', sa.String(length=100), nullable=True),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.CheckConstraint("sap_status IN ('open', 'closed')", name=op.f('ck_invoices_sap_status')),
    sa.PrimaryKeyConstraint('doc_entry', name=op.f('pk_invoices'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_customer_code_posting_date', ['customer_code', 'posting_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_doc_num'), ['doc_num'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('customer_code', sa.String(length=50), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error_code', sa.String(length=40), nullable=True),
    sa.Column('last_error_message', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'parked', 'done')", name=op.f('ck_outbox_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('reference', name=op.f('uq_outbox_reference'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state_customer_code_id', ['state', 'customer_code', 'id'], unique=False)

    op.create_table('sync_cursors',
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('watermark_date', sa.Date(), nullable=True),
    sa.Column('watermark_time', sa.Time(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('entity', name=op.f('pk_sync_cursors'))
    )
    op.create_table('customer_name_words',
    sa.Column('word', sa.String(length=100), nullable=False),
    sa.Column('customer_code', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['customer_code'], ['customers.code'], name=op.f('fk_customer_name_words_customer_code_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('word', 'customer_code', name=op.f('pk_customer_name_words'))
    )
    op.create_table('invoice_lines',
    sa.Column('doc_entry', sa.Integer(), nullable=False),
    sa.Column('line_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('item_code', sa.String(length=50), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('discount_percent', sa.BigInteger(), nullable=False),
    sa.Column('tax_code', sa.String(length=20), nullable=True),
    sa.Column('tax_percent', sa.BigInteger(), nullable=False),
    sa.Column('tax_amount', sa.BigInteger(), nullable=False),
    sa.Column('line_total', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['doc_entry'], ['invoices.doc_entry'], name=op.f('fk_invoice_lines_doc_entry_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_entry', 'line_number', name=op.f('pk_invoice_lines')),
    sqlite_with_rowid=False,
    )



def downgrade() -> None:

    op.drop_table('invoice_lines')
    op.drop_table('customer_name_words')
    op.drop_table('sync_cursors')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_customer_code_id')

    op.drop_table('outbox')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_doc_num'))
        batch_op.drop_index('ix_invoices_customer_code_posting_date')

    op.drop_table('invoices')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_tax_id_key'))

    op.drop_table('customers')
    op.drop_table('billing_preferences')

