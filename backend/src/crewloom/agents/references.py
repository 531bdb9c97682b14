"""References between workspace resources, shared by agents, crews and tools: whether referenced ids
exist in this tenant, and who uses a resource (so that deleting it can be refused while it is used)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import Select, and_, any_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.kit.resources import UsedBy
from crewloom.models import Agent, Crew, Flow, FlowVersion
from crewloom.models.base import ResourceMixin

FlowReferenceKey = Literal["agent_id", "crew_id", "tool_id"]


class ReferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def existing(self, model: type[ResourceMixin], ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of ``ids`` are rows of ``model`` in this tenant (another tenant's ids never are)."""
        if not ids:
            return set()
        return set((await self.session.execute(select(model.id).where(model.id.in_(set(ids))))).scalars())

    async def _named(self, kind: Literal["agent", "crew", "flow"], statement: Select[uuid.UUID, str]) -> list[UsedBy]:
        rows = (await self.session.execute(statement)).all()
        return [UsedBy(type=kind, id=row.id, name=row.name) for row in rows]

    async def crews_using_agent(self, agent_id: uuid.UUID) -> list[UsedBy]:
        statement = select(Crew.id, Crew.name).where(
            or_(any_(Crew.agent_ids) == agent_id, Crew.manager_agent_id == agent_id)
        )
        return await self._named("crew", statement.order_by(Crew.name, Crew.id))

    async def agents_using_tool(self, tool_id: uuid.UUID) -> list[UsedBy]:
        statement = select(Agent.id, Agent.name).where(any_(Agent.tool_ids) == tool_id)
        return await self._named("agent", statement.order_by(Agent.name, Agent.id))

    async def flows_using(self, key: FlowReferenceKey, resource_id: uuid.UUID) -> list[UsedBy]:
        """Flows whose latest version has a node with ``config.<key>`` equal to the id; older versions
        do not count, since only the latest one is edited and run."""
        statement = (
            select(Flow.id, Flow.name)
            .join(FlowVersion, and_(FlowVersion.flow_id == Flow.id, FlowVersion.number == Flow.latest_version))
            .where(FlowVersion.graph.contains({"nodes": [{"config": {key: str(resource_id)}}]}))
            .order_by(Flow.name, Flow.id)
        )
        return await self._named("flow", statement)


def missing_references(
    field: str, label: str, ids: Sequence[uuid.UUID], found: set[uuid.UUID], *, indexed: bool = True
) -> list[dict[str, str]]:
    """One problem per id that is not a ``label`` of this tenant, naming ``field.N`` (or ``field``)."""
    return [
        {"field": f"{field}.{position}" if indexed else field, "message": f"no {label} with id {value}"}
        for position, value in enumerate(ids)
        if value not in found
    ]


def duplicates(field: str, values: Sequence[object]) -> list[dict[str, str]]:
    seen: set[object] = set()
    problems = []
    for position, value in enumerate(values):
        if value in seen:
            problems.append({"field": f"{field}.{position}", "message": f"{value} is listed twice"})
        seen.add(value)
    return problems
