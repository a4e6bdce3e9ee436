"""Sync facts on cached rows, billing preference history, outbox resolution and discards.

Revision ID: 0002_sync_state
Revises: 0001_initial
Create Date: 2026-11-27 23:58:05.951632
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002_sync_state'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_preference_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('customer_code', sa.String(length=50), nullable=False),
    sa.Column('channel', sa.String(length=5), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('consent_at', sa.DateTime(), nullable=False),
    sa.Column('registered_by', sa.String(length=50), nullable=False),
    sa.Column('branch', sa.String(length=50), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_preference_history'))
    )
    with op.batch_alter_table('billing_preference_history', schema=None) as batch_op:
        batch_op.create_index('ix_billing_preference_history_customer_code_id', ['customer_code', 'id'], unique=False)

    with op.batch_alter_table('billing_preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sap_channel', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('sap_email', sa.String(length=254), nullable=True))

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sap_updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sap_data_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_seen_pass', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('missing_in_sap', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sap_updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sap_data_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_seen_pass', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('missing_in_sap', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.Text(), nullable=True))
        batch_op.drop_constraint(op.f('ck_outbox_state'), type_='check')
        batch_op.create_check_constraint(
            'state', "state IN ('pending', 'parked', 'done', 'discarded')"
        )

    with op.batch_alter_table('sync_cursors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_key', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('sync_cursors', schema=None) as batch_op:
        batch_op.drop_column('last_key')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_state'), type_='check')
        batch_op.create_check_constraint('state', "state IN ('pending', 'parked', 'done')")
        batch_op.drop_column('resolution')
        batch_op.drop_column('done_at')
        batch_op.drop_column('last_attempt_at')

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('missing_in_sap')
        batch_op.drop_column('last_seen_pass')
        batch_op.drop_column('sap_data_version')
        batch_op.drop_column('sap_updated_at')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('missing_in_sap')
        batch_op.drop_column('last_seen_pass')
        batch_op.drop_column('sap_data_version')
        batch_op.drop_column('sap_updated_at')

    with op.batch_alter_table('billing_preferences', schema=None) as batch_op:
        batch_op.drop_column('sap_email')
        batch_op.drop_column('sap_channel')

    with op.batch_alter_table('billing_preference_history', schema=None) as batch_op:
        batch_op.drop_index('ix_billing_preference_history_customer_code_id')

    op.drop_table('billing_preference_history')
