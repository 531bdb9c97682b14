from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, PublicBase


class RefreshToken(IdMixin, CreatedAtMixin, PublicBase):
    """One issued refresh token (its id is the JWT's ``jti``); a family is one login's rotation chain."""

    __tablename__ = "refresh_tokens"

    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("public.users.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("public.tenants.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
