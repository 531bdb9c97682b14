from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import CreatedAtMixin, IdMixin, PublicBase


class User(IdMixin, CreatedAtMixin, PublicBase):
    __tablename__ = "users"

    # Stored lower-cased so that uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
