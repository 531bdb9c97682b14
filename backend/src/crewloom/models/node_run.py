from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import IdMixin, TenantBase


class NodeRun(IdMixin, TenantBase):
    """What one node of an execution did: its rendered inputs, its output or error, its attempts and
    usage. ``status`` is running, succeeded, failed, skipped or cancelled; ``reused`` marks an output
    taken from the execution this one retries."""

    __tablename__ = "node_runs"
    __table_args__ = (UniqueConstraint("execution_id", "node_id"),)

    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.executions.id", ondelete="CASCADE"))
    node_id: Mapped[str] = mapped_column(String(100))
    node_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    output: Mapped[Any | None] = mapped_column(JSONB)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    reused: Mapped[bool] = mapped_column(default=False)
    tokens_in: Mapped[int] = mapped_column(BigInteger, default=0)
    tokens_out: Mapped[int] = mapped_column(BigInteger, default=0)
    cost: Mapped[float | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
