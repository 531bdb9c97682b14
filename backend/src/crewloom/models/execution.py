from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, TenantBase


class Execution(IdMixin, CreatedAtMixin, TenantBase):
    """One run of a flow version or a crew: the truth about it. ``graph`` is the exact graph that runs,
    so editing or deleting the flow never changes what a past run was. ``status`` is queued, running,
    succeeded, failed or cancelled; the lease that lets one worker write it lives in
    ``public.execution_queue`` while it is queued or running."""

    __tablename__ = "executions"
    __table_args__ = (Index("ix_executions_flow_id_created_at", "flow_id", "created_at"),)

    kind: Mapped[str] = mapped_column(String(16))
    flow_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.flows.id", ondelete="SET NULL"))
    flow_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenant.flow_versions.id", ondelete="SET NULL")
    )
    crew_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.crews.id", ondelete="SET NULL"))
    retry_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.executions.id", ondelete="SET NULL"))
    graph: Mapped[dict[str, Any]] = mapped_column(JSONB)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    outputs: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    # How many times a worker claimed it: more than one means a worker died or lost its lease.
    attempts: Mapped[int] = mapped_column(default=0)
    tokens_in: Mapped[int] = mapped_column(BigInteger, default=0)
    tokens_out: Mapped[int] = mapped_column(BigInteger, default=0)
    cost: Mapped[float | None]
    # The id of the newest event written, so a follower knows where the log ends.
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[uuid.UUID | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
