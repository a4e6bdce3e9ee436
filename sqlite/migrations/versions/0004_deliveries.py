"""Deliveries of invoices by e-mail and on paper, with their outcome.

Revision ID: 0004_deliveries
Revises: 0003_payment_requests
Create Date: 2026-11-28 00:27:38.769732
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_deliveries'
down_revision = '0003_payment_requests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('doc_entry', sa.Integer(), nullable=False),
    sa.Column('doc_num', sa.Integer(), nullable=False),
    sa.Column('customer_code', sa.String(length=50), nullable=False),
    sa.Column('channel', sa.String(length=5), nullable=False),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('automatic_key', sa.String(length=40), nullable=True),
    sa.Column('destination', sa.String(length=254), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('requested_by', sa.String(length=50), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error_code', sa.String(length=20), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('receipt', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'paper')", name=op.f('ck_deliveries_channel')),
    sa.CheckConstraint("reason IN ('automatic', 'requested')", name=op.f('ck_deliveries_reason')),
    sa.CheckConstraint("state IN ('queued', 'listed', 'sending', 'sent', 'failed')", name=op.f('ck_deliveries_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('automatic_key', name=op.f('uq_deliveries_automatic_key'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_doc_entry'), ['doc_entry'], unique=False)
        batch_op.create_index('ix_deliveries_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_state_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_deliveries_doc_entry'))

    op.drop_table('deliveries')
