"""Bounces: deliveries a mail server returned (state bounced, with when), for staff to see.

Revision ID: 0013_bounces
Revises: 0012_enrolment
Create Date: 2026-12-03 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_bounces"
down_revision = "0012_enrolment"
branch_labels = None
depends_on = None
BEFORE = "state IN ('queued', 'listed', 'sending', 'sent', 'failed')"
STATES = "state IN ('queued', 'listed', 'sending', 'sent', 'failed', 'bounced')"


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bounced_at", sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_deliveries_state"), type_="check")
        batch_op.create_check_constraint("state", STATES)


def downgrade() -> None:
    op.execute("UPDATE deliveries SET state = 'failed' WHERE state = 'bounced'")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_state"), type_="check")
        batch_op.create_check_constraint("state", BEFORE)
        batch_op.drop_column("bounced_at")
