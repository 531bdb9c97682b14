"""The rules of crews (see validation.py), and no deletion while a flow uses the crew."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents.references import ReferenceRepository
from crewloom.audit.service import record
from crewloom.auth.principal import Principal
from crewloom.crews.repository import CrewRepository
from crewloom.crews.schemas import CrewIn, CrewOut, CrewUpdate
from crewloom.crews.validation import checked_crew
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, refuse_if_used
from crewloom.models import Crew


async def _audit(session: AsyncSession, principal: Principal, action: str, crew: Crew) -> None:
    detail = {"name": crew.name, "process": crew.process, "agent_ids": [str(agent_id) for agent_id in crew.agent_ids]}
    await record(session, principal, action=f"crew.{action}", resource_type="crew", resource_id=crew.id, detail=detail)


async def create_crew(session: AsyncSession, principal: Principal, payload: CrewIn) -> CrewOut:
    crew = Crew(**await checked_crew(session, payload), created_by=principal.user_id)
    await CrewRepository(session).add(crew)
    await _audit(session, principal, "create", crew)
    return CrewOut.model_validate(crew)


async def list_crews(session: AsyncSession, query: ResourceQuery) -> Page[CrewOut]:
    crews, next_cursor = await CrewRepository(session).list(query)
    return Page(items=[CrewOut.model_validate(crew) for crew in crews], next_cursor=next_cursor)


async def get_crew(session: AsyncSession, crew_id: uuid.UUID) -> CrewOut:
    return CrewOut.model_validate(await CrewRepository(session).get(crew_id))


async def update_crew(session: AsyncSession, principal: Principal, crew_id: uuid.UUID, payload: CrewUpdate) -> CrewOut:
    repository = CrewRepository(session)
    crew = await repository.get(crew_id)
    crew = await repository.update(crew, payload.version, await checked_crew(session, payload))
    await _audit(session, principal, "update", crew)
    return CrewOut.model_validate(crew)


async def delete_crew(session: AsyncSession, principal: Principal, crew_id: uuid.UUID) -> None:
    repository = CrewRepository(session)
    crew = await repository.get(crew_id)
    refuse_if_used("crew", await ReferenceRepository(session).flows_using("crew_id", crew.id))
    await repository.delete(crew)
    await _audit(session, principal, "delete", crew)
