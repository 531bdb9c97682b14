"""executions, node runs, events and model usage

Revision ID: t0003
Revises: t0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "t0003"
down_revision: str | None = "t0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "executions",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("flow_id", sa.Uuid(), nullable=True),
        sa.Column("flow_version_id", sa.Uuid(), nullable=True),
        sa.Column("crew_id", sa.Uuid(), nullable=True),
        sa.Column("retry_of", sa.Uuid(), nullable=True),
        sa.Column("graph", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("outputs", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("tokens_in", sa.BigInteger(), nullable=False),
        sa.Column("tokens_out", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Double(), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crew_id"], ["tenant.crews.id"], name=op.f("fk_executions_crew_id_crews"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["tenant.flows.id"], name=op.f("fk_executions_flow_id_flows"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["flow_version_id"],
            ["tenant.flow_versions.id"],
            name=op.f("fk_executions_flow_version_id_flow_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retry_of"], ["tenant.executions.id"], name=op.f("fk_executions_retry_of_executions"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_executions")),
        schema="tenant",
    )
    op.create_index(
        "ix_executions_flow_id_created_at", "executions", ["flow_id", "created_at"], unique=False, schema="tenant"
    )
    op.create_index(op.f("ix_tenant_executions_status"), "executions", ["status"], unique=False, schema="tenant")
    op.create_table(
        "execution_events",
        sa.Column("execution_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("node_id", sa.String(length=100), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["tenant.executions.id"],
            name=op.f("fk_execution_events_execution_id_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("execution_id", "id", name=op.f("pk_execution_events")),
        schema="tenant",
    )
    op.create_table(
        "llm_usage",
        sa.Column("execution_id", sa.Uuid(), nullable=True),
        sa.Column("node_id", sa.String(length=100), nullable=True),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("provider_type", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=False),
        sa.Column("tokens_out", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Double(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["tenant.executions.id"],
            name=op.f("fk_llm_usage_execution_id_executions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["tenant.llm_providers.id"],
            name=op.f("fk_llm_usage_provider_id_llm_providers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_llm_usage")),
        schema="tenant",
    )
    op.create_index(
        op.f("ix_tenant_llm_usage_execution_id"), "llm_usage", ["execution_id"], unique=False, schema="tenant"
    )
    op.create_table(
        "node_runs",
        sa.Column("execution_id", sa.Uuid(), nullable=False),
        sa.Column("node_id", sa.String(length=100), nullable=False),
        sa.Column("node_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("output", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reused", sa.Boolean(), nullable=False),
        sa.Column("tokens_in", sa.BigInteger(), nullable=False),
        sa.Column("tokens_out", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Double(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["tenant.executions.id"],
            name=op.f("fk_node_runs_execution_id_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_runs")),
        sa.UniqueConstraint("execution_id", "node_id", name=op.f("uq_node_runs_execution_id_node_id")),
        schema="tenant",
    )


def downgrade() -> None:
    op.drop_table("node_runs", schema="tenant")
    op.drop_index(op.f("ix_tenant_llm_usage_execution_id"), table_name="llm_usage", schema="tenant")
    op.drop_table("llm_usage", schema="tenant")
    op.drop_table("execution_events", schema="tenant")
    op.drop_index(op.f("ix_tenant_executions_status"), table_name="executions", schema="tenant")
    op.drop_index("ix_executions_flow_id_created_at", table_name="executions", schema="tenant")
    op.drop_table("executions", schema="tenant")
