"""reconciliation: runs, results per line triple, disputes and their events, tolerances, pack sizes

Revision ID: 0002_reconciliation
Revises: 0001
Create Date: 2026-11-25

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from pipeline.db.types import ExactDecimal

# revision identifiers, used by Alembic.
revision: str = "0002_reconciliation"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "reconciliation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("customer", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "reconciliation_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        sa.Column("check", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("delivery_line_id", sa.Integer(), nullable=True),
        sa.Column("invoice_line_id", sa.Integer(), nullable=True),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("order_no", sa.String(length=100), nullable=True),
        sa.Column("order_line_no", sa.Integer(), nullable=True),
        sa.Column("delivery_note_no", sa.String(length=100), nullable=True),
        sa.Column("delivery_line_no", sa.Integer(), nullable=True),
        sa.Column("invoice_no", sa.String(length=100), nullable=True),
        sa.Column("invoice_line_no", sa.Integer(), nullable=True),
        sa.Column("reverse", sa.Boolean(), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column("qty_ordered", ExactDecimal(), nullable=True),
        sa.Column("qty_delivered", ExactDecimal(), nullable=True),
        sa.Column("qty_invoiced", ExactDecimal(), nullable=True),
        sa.Column("qty_difference", ExactDecimal(), nullable=True),
        sa.Column("price_ordered", ExactDecimal(), nullable=True),
        sa.Column("price_invoiced", ExactDecimal(), nullable=True),
        sa.Column("amount_at_stake", ExactDecimal(), nullable=True),
        sa.Column("delivery_method", sa.String(length=40), nullable=True),
        sa.Column("invoice_method", sa.String(length=40), nullable=True),
        sa.Column("pairing", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("proposal", sa.Text(), nullable=True),
        sa.Column("scope_date", sa.Date(), nullable=True),
        sa.Column("fingerprint", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["first_run_id"], ["reconciliation_runs.id"]),
        sa.ForeignKeyConstraint(["last_run_id"], ["reconciliation_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("reconciliation_lines", schema=None) as batch_op:
        batch_op.create_index("ix_reconciliation_lines_outcome", ["outcome"], unique=False)
        batch_op.create_index("ix_reconciliation_lines_invoice", ["invoice_no"], unique=False)
        batch_op.create_index("ix_reconciliation_lines_scope", ["scope_date"], unique=False)

    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("fingerprint", sa.String(length=300), nullable=False),
        sa.Column("amount_at_stake", ExactDecimal(), nullable=True),
        sa.Column("invoice_no", sa.String(length=100), nullable=True),
        sa.Column("delivery_note_no", sa.String(length=100), nullable=True),
        sa.Column("order_no", sa.String(length=100), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index("ix_disputes_status", ["status"], unique=False)

    op.create_table(
        "dispute_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=True),
        sa.Column("to_status", sa.String(length=30), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["dispute_id"], ["disputes.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["reconciliation_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dispute_events", schema=None) as batch_op:
        batch_op.create_index("ix_dispute_events_dispute", ["dispute_id"], unique=False)

    op.create_table(
        "reconciliation_tolerances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=200), nullable=False),
        sa.Column("quantity_abs", ExactDecimal(), nullable=True),
        sa.Column("quantity_pct", ExactDecimal(), nullable=True),
        sa.Column("price_abs", ExactDecimal(), nullable=True),
        sa.Column("price_pct", ExactDecimal(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("party"),
    )
    op.create_table(
        "reconciliation_pack_sizes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("contains", ExactDecimal(), nullable=False),
        sa.Column("base_unit", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item", "unit", name="uq_reconciliation_pack_sizes"),
    )


def downgrade() -> None:
    op.drop_table("reconciliation_pack_sizes")
    op.drop_table("reconciliation_tolerances")
    with op.batch_alter_table("dispute_events", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_events_dispute")
    op.drop_table("dispute_events")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_disputes_status")
    op.drop_table("disputes")
    with op.batch_alter_table("reconciliation_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_reconciliation_lines_scope")
        batch_op.drop_index("ix_reconciliation_lines_invoice")
        batch_op.drop_index("ix_reconciliation_lines_outcome")
    op.drop_table("reconciliation_lines")
    op.drop_table("reconciliation_runs")
