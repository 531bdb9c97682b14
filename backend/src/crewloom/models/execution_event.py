from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import TenantBase, utcnow


class ExecutionEvent(TenantBase):
    """The replayable log of an execution: ``id`` counts up from 1 within each execution, and is the
    id followers resume from."""

    __tablename__ = "execution_events"

    execution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.executions.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(32))
    node_id: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
