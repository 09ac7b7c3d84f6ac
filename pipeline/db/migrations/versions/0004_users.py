"""users of the review desk, and the index the review queue pages by

Revision ID: 0004_users
Revises: 0003_masterdata_review
Create Date: 2026-11-25

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004_users'
down_revision: Union[str, Sequence[str], None] = '0003_masterdata_review'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_queue', ['state', 'received_at', 'id', 'channel', 'customer', 'sender'],
                              unique=False)
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_queue', ['document_id', 'severity', 'code'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_queue')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_queue')
    op.drop_table('users')
