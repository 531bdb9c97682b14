from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import ResourceMixin, TenantBase


class Flow(ResourceMixin, TenantBase):
    """A flow's identity; its graphs are immutable FlowVersion rows numbered from 1."""

    __tablename__ = "flows"

    latest_version: Mapped[int] = mapped_column(default=0)
    published_version: Mapped[int | None]
