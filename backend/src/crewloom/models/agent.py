from __future__ import annotations

import uuid

from sqlalchemy import ARRAY, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import ResourceMixin, TenantBase


class Agent(ResourceMixin, TenantBase):
    __tablename__ = "agents"

    role: Mapped[str] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(Text)
    backstory: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.llm_providers.id", ondelete="RESTRICT"))
    model: Mapped[str] = mapped_column(String(200))
    temperature: Mapped[float | None]
    max_iter: Mapped[int] = mapped_column(default=20)
    max_rpm: Mapped[int | None]
    max_execution_time: Mapped[int | None]
    allow_delegation: Mapped[bool] = mapped_column(default=False)
    memory: Mapped[bool] = mapped_column(default=False)
    tool_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    system_template: Mapped[str | None] = mapped_column(Text)
