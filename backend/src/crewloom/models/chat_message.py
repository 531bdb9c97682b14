from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, TenantBase


class ChatMessage(IdMixin, CreatedAtMixin, TenantBase):
    """One message of a chat session, in the order of its (time-ordered) id. ``role`` is user, assistant or
    error; ``status`` is complete, streaming (a reply being written), stopped (cut short by the user, the
    partial text kept) or failed (an error message, which may be retried)."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_session_id_id", "session_id", "id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.chat_sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text, default="")
    # The user message a reply (or an error) answers; a retry answers it again.
    reply_to: Mapped[uuid.UUID | None]
    error: Mapped[str | None] = mapped_column(Text)
    retryable: Mapped[bool] = mapped_column(default=False)
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    cost: Mapped[float | None]
    # The agent steps (thoughts, tool calls and results) that produced a reply, in order.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # How the reply was made: the model, and how much of the conversation it was given.
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_by: Mapped[uuid.UUID | None]
    finished_at: Mapped[datetime | None]
