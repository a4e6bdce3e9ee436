"""E-billing self-enrolment: requests with their hashed codes, consent versions in the
preference history, incentives granted once per customer, and deliveries of enrolment codes.

Revision ID: 0012_enrolment
Revises: 0011_tracking
Create Date: 2026-12-03 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_enrolment"
down_revision = "0011_tracking"
branch_labels = None
depends_on = None
BEFORE = (
    "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml', 'dispute', 'statement')"
)
DOCUMENTS = (
    "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml', 'dispute',"
    " 'statement', 'enrolment_code')"
)


def upgrade() -> None:
    op.create_table(
        "enrolment_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_code", sa.String(length=50), nullable=False),
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("consent_version", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=10), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'confirmed', 'expired', 'failed', 'superseded')",
            name=op.f("ck_enrolment_requests_state"),
        ),
        sa.CheckConstraint(
            "channel IN ('EMAIL', 'BOTH')", name=op.f("ck_enrolment_requests_channel")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_requests")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_enrolment_requests_token_hash")),
    )
    op.create_index(
        "ix_enrolment_requests_customer_code_state",
        "enrolment_requests",
        ["customer_code", "state"],
    )
    op.create_table(
        "ebilling_incentives",
        sa.Column("customer_code", sa.String(length=50), nullable=False),
        sa.Column("percent", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("customer_code", name=op.f("pk_ebilling_incentives")),
    )
    op.add_column(
        "billing_preference_history",
        sa.Column("consent_version", sa.String(length=40), nullable=True),
    )
    op.add_column(
        "billing_preference_history",
        sa.Column("confirmed_by", sa.String(length=50), nullable=True),
    )
    op.add_column(
        "billing_preference_history",
        sa.Column("incentive_percent", sa.BigInteger(), nullable=True),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", DOCUMENTS)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", BEFORE)
    with op.batch_alter_table("billing_preference_history", schema=None) as batch_op:
        batch_op.drop_column("incentive_percent")
        batch_op.drop_column("confirmed_by")
        batch_op.drop_column("consent_version")
    op.drop_table("ebilling_incentives")
    op.drop_index("ix_enrolment_requests_customer_code_state", "enrolment_requests")
    op.drop_table("enrolment_requests")
