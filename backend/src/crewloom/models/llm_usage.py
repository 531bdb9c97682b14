from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, TenantBase


class LlmUsage(IdMixin, CreatedAtMixin, TenantBase):
    """One model call: who made it, on which provider and model, what it cost. Kept when the provider
    is deleted, so spending stays accountable."""

    __tablename__ = "llm_usage"

    execution_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenant.executions.id", ondelete="CASCADE"), index=True
    )
    node_id: Mapped[str | None] = mapped_column(String(100))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.llm_providers.id", ondelete="SET NULL"))
    provider_type: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    cost: Mapped[float | None]
    latency_ms: Mapped[int] = mapped_column(default=0)
    # None for a call that succeeded; else the provider's error, as shown to the user.
    error: Mapped[str | None] = mapped_column(String(2000))
