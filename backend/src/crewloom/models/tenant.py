from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, PublicBase


class Tenant(IdMixin, CreatedAtMixin, PublicBase):
    __tablename__ = "tenants"

    name: Mapped[str] = mapped_column(String(200))
