"""Request and response bodies of the API keys domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from crewloom.auth.permissions import Role
from crewloom.auth.schemas import WorkspaceName

# Key names follow the rules of workspace names: plain, showable text, kept exactly as given.
KeyName = WorkspaceName


class ApiKeyIn(BaseModel):
    name: KeyName
    role: Role


class ApiKeyOut(BaseModel):
    """A key as lists show it: its visible prefix, never the key or its hash."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    created_by: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(BaseModel):
    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    key: str = Field(description="The whole key; shown only in this response")
    created_at: datetime
