"""execution queue and dispatch turns

Revision ID: p0002
Revises: p0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "p0002"
down_revision: str | None = "p0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispatch_turns",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("last_claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_dispatch_turns_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_dispatch_turns")),
    )
    op.create_table(
        "execution_queue",
        sa.Column("execution_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_token", sa.BigInteger(), nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_execution_queue_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("execution_id", name=op.f("pk_execution_queue")),
    )
    op.create_index("ix_execution_queue_state_enqueued_at", "execution_queue", ["state", "enqueued_at"], unique=False)
    op.create_index("ix_execution_queue_tenant_id_state", "execution_queue", ["tenant_id", "state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_execution_queue_tenant_id_state", table_name="execution_queue")
    op.drop_index("ix_execution_queue_state_enqueued_at", table_name="execution_queue")
    op.drop_table("execution_queue")
    op.drop_table("dispatch_turns")
