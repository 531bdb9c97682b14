from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import PublicBase


class LoginFailure(PublicBase):
    """Failed logins counted per key (``account:<email>`` or ``address:<ip>``) in a fixed window."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    count: Mapped[int]
    window_started_at: Mapped[datetime]
