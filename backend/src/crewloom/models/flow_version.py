from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, TenantBase


class FlowVersion(IdMixin, CreatedAtMixin, TenantBase):
    """One saved graph: {"nodes": [{id, type, position: {x, y}, config, label?}],
    "edges": [{id, source, target, source_handle?, target_handle?}]}. Never updated."""

    __tablename__ = "flow_versions"
    __table_args__ = (UniqueConstraint("flow_id", "number"),)

    flow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.flows.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    graph: Mapped[dict[str, Any]] = mapped_column(JSONB)
    message: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[uuid.UUID | None]
