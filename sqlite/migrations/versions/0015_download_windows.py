"""A first download read in parallel windows: the windows stored beyond the cursor's last key.

Revision ID: 0015_download_windows
Revises: 0014_branch
Create Date: 2026-12-04 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_download_windows"
down_revision = "0014_branch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_cursors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("done_ranges", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_cursors", schema=None) as batch_op:
        batch_op.drop_column("done_ranges")
