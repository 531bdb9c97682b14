"""Queries of the flows domain."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.kit.pagination import PageRequest, paginate
from crewloom.kit.resources import ResourceRepository
from crewloom.models import Agent, Crew, Flow, FlowVersion, LlmProvider, Tool
from crewloom.models.base import ResourceMixin

REFERENCE_MODELS: dict[str, type[ResourceMixin]] = {
    "agent": Agent,
    "crew": Crew,
    "tool": Tool,
    "provider": LlmProvider,
}


class FlowRepository(ResourceRepository[Flow]):
    model = Flow
    label = "flow"

    async def add_version(self, version: FlowVersion) -> FlowVersion:
        self.session.add(version)
        await self.session.flush()
        return version

    async def find_version(self, flow_id: uuid.UUID, number: int) -> FlowVersion | None:
        statement = select(FlowVersion).where(FlowVersion.flow_id == flow_id, FlowVersion.number == number)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def versions(self, flow_id: uuid.UUID, request: PageRequest) -> tuple[list[FlowVersion], str | None]:
        return await paginate(
            self.session,
            select(FlowVersion).where(FlowVersion.flow_id == flow_id),
            request=request,
            sort=FlowVersion.number,
            tiebreak=FlowVersion.id,
            descending=True,
        )


async def existing_ids(session: AsyncSession, kind: str, ids: Iterable[uuid.UUID]) -> set[str]:
    """Which of ``ids`` are objects of ``kind`` in the session's tenant."""
    wanted = set(ids)
    if not wanted:
        return set()
    model = REFERENCE_MODELS[kind]
    rows = await session.execute(select(model.id).where(model.id.in_(wanted)))
    return {str(found) for found in rows.scalars()}
