from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import PublicBase


class TenantSchema(PublicBase):
    """The tenant registry: where each tenant's data lives and which migration its schema is at."""

    __tablename__ = "tenant_schemas"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("public.tenants.id", ondelete="CASCADE"), primary_key=True)
    schema_name: Mapped[str] = mapped_column(String(63), unique=True)
    version: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="ready")
    error: Mapped[str | None] = mapped_column(Text)
    migrated_at: Mapped[datetime | None]
