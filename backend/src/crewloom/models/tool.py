from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import ResourceMixin, TenantBase


class Tool(ResourceMixin, TenantBase):
    """A tool of type builtin, custom, http, docker or mcp. ``config`` holds the type's non-secret
    settings; secrets (e.g. a search API key, an Authorization header) are one encrypted JSON object."""

    __tablename__ = "tools"

    type: Mapped[str] = mapped_column(String(16))
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    secrets_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    secrets_key_id: Mapped[str | None] = mapped_column(String(64))
    # The names alone, so that responses can list them without decrypting anything.
    secret_names: Mapped[list[str]] = mapped_column(ARRAY(String(128)), default=list)
