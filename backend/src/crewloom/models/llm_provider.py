from __future__ import annotations

from typing import Any

from sqlalchemy import LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import ResourceMixin, TenantBase


class LlmProvider(ResourceMixin, TenantBase):
    """A model provider. The API key is stored only encrypted (see kit/encryption.py)."""

    __tablename__ = "llm_providers"

    type: Mapped[str] = mapped_column(String(32))
    base_url: Mapped[str | None] = mapped_column(String(500))
    default_model: Mapped[str] = mapped_column(String(200), default="")
    # Non-secret provider options, e.g. Azure's api_version.
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    api_key_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    api_key_key_id: Mapped[str | None] = mapped_column(String(64))
    api_key_last4: Mapped[str | None] = mapped_column(String(4))
