from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, TenantBase


class AuditEvent(IdMixin, CreatedAtMixin, TenantBase):
    __tablename__ = "audit_events"

    actor_id: Mapped[uuid.UUID | None]
    actor_kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    client_address: Mapped[str | None] = mapped_column(String(64))
