"""Local staff accounts for the staff mode: role, scrypt PIN hash, lockout.

Revision ID: 0005_staff_accounts
Revises: 0004_deliveries
Create Date: 2026-11-28 01:01:13.400947
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0005_staff_accounts'
down_revision = '0004_deliveries'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_accounts',
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('clerk', 'supervisor', 'admin')", name=op.f('ck_staff_accounts_role')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_staff_accounts'))
    )


def downgrade() -> None:
    op.drop_table('staff_accounts')
