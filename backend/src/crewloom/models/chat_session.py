from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, TenantBase, utcnow


class ChatSession(IdMixin, CreatedAtMixin, TenantBase):
    """A conversation with a target: a provider's model, an agent, a flow or a crew (exactly one of their ids is set,
    as ``target_kind`` says). ``updated_at`` moves with every message, so the list shows the liveliest
    conversations first."""

    __tablename__ = "chat_sessions"
    __table_args__ = (Index("ix_chat_sessions_updated_at_id", "updated_at", "id"),)

    title: Mapped[str] = mapped_column(String(200), default="")
    target_kind: Mapped[str] = mapped_column(String(16))
    # SET NULL: deleting the provider leaves the conversation readable; sending then says why it cannot.
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.llm_providers.id", ondelete="SET NULL"))
    model: Mapped[str | None] = mapped_column(String(200))
    agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.agents.id", ondelete="SET NULL"))
    flow_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.flows.id", ondelete="SET NULL"))
    crew_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.crews.id", ondelete="SET NULL"))
    # The share of the conversation, in estimated tokens, that the target receives with each message.
    memory_tokens: Mapped[int]
    created_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
