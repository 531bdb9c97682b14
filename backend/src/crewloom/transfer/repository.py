"""Queries of the transfer domain: the objects a flow or a crew uses, and the providers to map onto."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.models import Agent, Crew, LlmProvider, Tool
from crewloom.models.base import ResourceMixin

RowT = TypeVar("RowT", bound=ResourceMixin)


class TransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_ids(self, model: type[RowT], ids: Iterable[uuid.UUID]) -> list[RowT]:
        """The rows of ``model`` with these ids in this tenant, in the order the ids were given."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        rows = await self.session.execute(select(model).where(model.id.in_(wanted)))
        found = {row.id: row for row in rows.scalars()}
        return [found[identifier] for identifier in wanted if identifier in found]

    async def agents(self, ids: Iterable[uuid.UUID]) -> list[Agent]:
        return await self.by_ids(Agent, ids)

    async def crews(self, ids: Iterable[uuid.UUID]) -> list[Crew]:
        return await self.by_ids(Crew, ids)

    async def tools(self, ids: Iterable[uuid.UUID]) -> list[Tool]:
        return await self.by_ids(Tool, ids)

    async def providers(self) -> list[LlmProvider]:
        """Every provider of the tenant, oldest first (a tenant has a handful)."""
        rows = await self.session.execute(select(LlmProvider).order_by(LlmProvider.created_at, LlmProvider.id))
        return list(rows.scalars())
