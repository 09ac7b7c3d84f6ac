"""The same attachment may arrive in several mails: only a received file's own bytes are unique.

Revision ID: 0006_attachment_copies
Revises: 0005_merge_heads
Create Date: 2026-11-25
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006_attachment_copies"
down_revision: Union[str, Sequence[str], None] = "0005_merge_heads"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_documents_sha256_locator", type_="unique")
        batch_op.create_unique_constraint("uq_documents_parent_locator", ["parent_id", "locator"])
        batch_op.create_index("uq_documents_file_sha256", ["sha256"], unique=True,
                              sqlite_where=sa.text("locator = ''"), postgresql_where=sa.text("locator = ''"))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("uq_documents_file_sha256")
        batch_op.drop_constraint("uq_documents_parent_locator", type_="unique")
        batch_op.create_unique_constraint("uq_documents_sha256_locator", ["sha256", "locator"])
