from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ARRAY, ForeignKey, String, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import ResourceMixin, TenantBase


class Crew(ResourceMixin, TenantBase):
    """Agents in order and their tasks. ``tasks`` is a list of
    {key, description, expected_output, agent_id, context: [task keys], output_format: "text"|"json",
    output_schema, human_input}; ``agent_ids`` lets a lookup find every crew using an agent."""

    __tablename__ = "crews"

    agent_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    tasks: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    process: Mapped[str] = mapped_column(String(16), default="sequential")
    manager_provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenant.llm_providers.id", ondelete="RESTRICT")
    )
    manager_model: Mapped[str | None] = mapped_column(String(200))
    manager_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.agents.id", ondelete="RESTRICT"))
    planning: Mapped[bool] = mapped_column(default=False)
    memory: Mapped[bool] = mapped_column(default=False)
