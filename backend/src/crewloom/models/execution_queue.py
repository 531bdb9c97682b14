from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import PublicBase, utcnow


class QueuedExecution(PublicBase):
    """An execution waiting for a worker or held by one, across all tenants: the one place a worker
    finds work fairly and the reaper finds expired leases without visiting every tenant schema. It holds
    ids only; the row goes once the execution is settled in its tenant's ``executions``.

    ``lease_token`` is the fencing token: it grows with every claim, and every write of the holder
    checks it, so a worker that lost its lease can no longer write."""

    __tablename__ = "execution_queue"
    __table_args__ = (
        Index("ix_execution_queue_state_enqueued_at", "state", "enqueued_at"),
        Index("ix_execution_queue_tenant_id_state", "tenant_id", "state"),
    )

    execution_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("public.tenants.id", ondelete="CASCADE"))
    # queued or running.
    state: Mapped[str] = mapped_column(String(16), default="queued")
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_token: Mapped[int] = mapped_column(BigInteger, default=0)
    lease_expires_at: Mapped[datetime | None]
    claims: Mapped[int] = mapped_column(default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # The W3C trace context (traceparent, tracestate) of the request that queued it, so that the worker
    # running it continues that trace; None when tracing is off.
    trace_context: Mapped[dict[str, str] | None] = mapped_column(JSONB)
