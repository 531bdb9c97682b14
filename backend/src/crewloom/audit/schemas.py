"""Request and response bodies of the audit domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
    actor_id: uuid.UUID | None
    actor_kind: str
    action: str
    resource_type: str
    resource_id: str | None
    detail: dict[str, Any]
    client_address: str | None


class AuditFilter(BaseModel):
    action: str | None = None
    resource_type: str | None = None
    actor_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
