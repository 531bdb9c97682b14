from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from crewloom.models.base import PublicBase


class DispatchTurn(PublicBase):
    """When each tenant last had an execution claimed: the next claim goes to the tenant waiting
    longest, so one busy tenant cannot starve the rest."""

    __tablename__ = "dispatch_turns"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("public.tenants.id", ondelete="CASCADE"), primary_key=True)
    last_claimed_at: Mapped[datetime]
