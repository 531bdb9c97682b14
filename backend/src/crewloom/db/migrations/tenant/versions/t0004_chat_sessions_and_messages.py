"""chat sessions and messages

Revision ID: t0004
Revises: t0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "t0004"
down_revision: str | None = "t0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_sessions",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("agent_id", sa.Uuid(), nullable=True),
        sa.Column("flow_id", sa.Uuid(), nullable=True),
        sa.Column("crew_id", sa.Uuid(), nullable=True),
        sa.Column("memory_tokens", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["tenant.agents.id"], name=op.f("fk_chat_sessions_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["crew_id"], ["tenant.crews.id"], name=op.f("fk_chat_sessions_crew_id_crews"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["tenant.flows.id"], name=op.f("fk_chat_sessions_flow_id_flows"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["tenant.llm_providers.id"],
            name=op.f("fk_chat_sessions_provider_id_llm_providers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_sessions")),
        schema="tenant",
    )
    op.create_index(
        "ix_chat_sessions_updated_at_id", "chat_sessions", ["updated_at", "id"], unique=False, schema="tenant"
    )
    op.create_table(
        "chat_messages",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.Uuid(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("retryable", sa.Boolean(), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=False),
        sa.Column("tokens_out", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Double(), nullable=True),
        sa.Column("steps", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["tenant.chat_sessions.id"],
            name=op.f("fk_chat_messages_session_id_chat_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
        schema="tenant",
    )
    op.create_index(
        "ix_chat_messages_session_id_id", "chat_messages", ["session_id", "id"], unique=False, schema="tenant"
    )


def downgrade() -> None:
    op.drop_index("ix_chat_messages_session_id_id", table_name="chat_messages", schema="tenant")
    op.drop_table("chat_messages", schema="tenant")
    op.drop_index("ix_chat_sessions_updated_at_id", table_name="chat_sessions", schema="tenant")
    op.drop_table("chat_sessions", schema="tenant")
