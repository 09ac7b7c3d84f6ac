"""Join the reconciliation branch and the review branch into one head.

Revision ID: 0005_merge_heads
Revises: 0002_reconciliation, 0004_users
Create Date: 2026-11-25

The two branches were written side by side; after this, new migrations have one parent again
(``alembic revision --autogenerate`` needs a single head).
"""

from typing import Sequence, Union

revision: str = "0005_merge_heads"
down_revision: Union[str, Sequence[str], None] = ("0002_reconciliation", "0004_users")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
