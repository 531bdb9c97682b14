"""Workspace resources: providers, agents, crews, tools, flows and versions

Revision ID: t0002
Revises: t0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "t0002"
down_revision: str | None = "t0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flows",
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flows")),
        schema="tenant",
    )
    op.create_index(op.f("ix_tenant_flows_name"), "flows", ["name"], unique=False, schema="tenant")
    op.create_table(
        "llm_providers",
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=True),
        sa.Column("default_model", sa.String(length=200), nullable=False),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("api_key_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("api_key_key_id", sa.String(length=64), nullable=True),
        sa.Column("api_key_last4", sa.String(length=4), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_llm_providers")),
        schema="tenant",
    )
    op.create_index(op.f("ix_tenant_llm_providers_name"), "llm_providers", ["name"], unique=False, schema="tenant")
    op.create_table(
        "tools",
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("config", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("secrets_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("secrets_key_id", sa.String(length=64), nullable=True),
        sa.Column("secret_names", sa.ARRAY(sa.String(length=128)), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tools")),
        schema="tenant",
    )
    op.create_index(op.f("ix_tenant_tools_name"), "tools", ["name"], unique=False, schema="tenant")
    op.create_table(
        "agents",
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("backstory", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("temperature", sa.Double(), nullable=True),
        sa.Column("max_iter", sa.Integer(), nullable=False),
        sa.Column("max_rpm", sa.Integer(), nullable=True),
        sa.Column("max_execution_time", sa.Integer(), nullable=True),
        sa.Column("allow_delegation", sa.Boolean(), nullable=False),
        sa.Column("memory", sa.Boolean(), nullable=False),
        sa.Column("tool_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("system_template", sa.Text(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["tenant.llm_providers.id"],
            name=op.f("fk_agents_provider_id_llm_providers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        schema="tenant",
    )
    op.create_index(op.f("ix_tenant_agents_name"), "agents", ["name"], unique=False, schema="tenant")
    op.create_table(
        "flow_versions",
        sa.Column("flow_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("graph", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["tenant.flows.id"], name=op.f("fk_flow_versions_flow_id_flows"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_versions")),
        sa.UniqueConstraint("flow_id", "number", name=op.f("uq_flow_versions_flow_id_number")),
        schema="tenant",
    )
    op.create_index(
        op.f("ix_tenant_flow_versions_flow_id"), "flow_versions", ["flow_id"], unique=False, schema="tenant"
    )
    op.create_table(
        "crews",
        sa.Column("agent_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("tasks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("process", sa.String(length=16), nullable=False),
        sa.Column("manager_provider_id", sa.Uuid(), nullable=True),
        sa.Column("manager_model", sa.String(length=200), nullable=True),
        sa.Column("manager_agent_id", sa.Uuid(), nullable=True),
        sa.Column("planning", sa.Boolean(), nullable=False),
        sa.Column("memory", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_agent_id"],
            ["tenant.agents.id"],
            name=op.f("fk_crews_manager_agent_id_agents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["manager_provider_id"],
            ["tenant.llm_providers.id"],
            name=op.f("fk_crews_manager_provider_id_llm_providers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crews")),
        schema="tenant",
    )
    op.create_index(op.f("ix_tenant_crews_name"), "crews", ["name"], unique=False, schema="tenant")


def downgrade() -> None:
    op.drop_index(op.f("ix_tenant_crews_name"), table_name="crews", schema="tenant")
    op.drop_table("crews", schema="tenant")
    op.drop_index(op.f("ix_tenant_flow_versions_flow_id"), table_name="flow_versions", schema="tenant")
    op.drop_table("flow_versions", schema="tenant")
    op.drop_index(op.f("ix_tenant_agents_name"), table_name="agents", schema="tenant")
    op.drop_table("agents", schema="tenant")
    op.drop_index(op.f("ix_tenant_tools_name"), table_name="tools", schema="tenant")
    op.drop_table("tools", schema="tenant")
    op.drop_index(op.f("ix_tenant_llm_providers_name"), table_name="llm_providers", schema="tenant")
    op.drop_table("llm_providers", schema="tenant")
    op.drop_index(op.f("ix_tenant_flows_name"), table_name="flows", schema="tenant")
    op.drop_table("flows", schema="tenant")
