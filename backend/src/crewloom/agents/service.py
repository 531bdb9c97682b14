"""The rules of agents: a provider and tools of this workspace, and no deletion while a crew or a flow
uses the agent."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents.references import ReferenceRepository, duplicates, missing_references
from crewloom.agents.repository import AgentRepository
from crewloom.agents.schemas import AgentFields, AgentIn, AgentOut, AgentUpdate
from crewloom.audit.service import record
from crewloom.auth.principal import Principal
from crewloom.errors import Unprocessable
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, refuse_if_used
from crewloom.models import Agent, LlmProvider, Tool


async def _checked(session: AsyncSession, payload: AgentFields) -> dict[str, Any]:
    """The agent's columns, or 422 listing every reference that is not of this workspace."""
    references = ReferenceRepository(session)
    providers = await references.existing(LlmProvider, [payload.provider_id])
    tools = await references.existing(Tool, payload.tool_ids)
    problems = missing_references("provider_id", "LLM provider", [payload.provider_id], providers, indexed=False)
    problems += missing_references("tool_ids", "tool", payload.tool_ids, tools)
    problems += duplicates("tool_ids", payload.tool_ids)
    if problems:
        raise Unprocessable(problems)
    return payload.model_dump(exclude={"version"})


async def _audit(session: AsyncSession, principal: Principal, action: str, agent: Agent) -> None:
    detail = {"name": agent.name, "provider_id": str(agent.provider_id), "model": agent.model}
    await record(
        session, principal, action=f"agent.{action}", resource_type="agent", resource_id=agent.id, detail=detail
    )


async def create_agent(session: AsyncSession, principal: Principal, payload: AgentIn) -> AgentOut:
    agent = Agent(**await _checked(session, payload), created_by=principal.user_id)
    await AgentRepository(session).add(agent)
    await _audit(session, principal, "create", agent)
    return AgentOut.model_validate(agent)


async def list_agents(session: AsyncSession, query: ResourceQuery) -> Page[AgentOut]:
    agents, next_cursor = await AgentRepository(session).list(query)
    return Page(items=[AgentOut.model_validate(agent) for agent in agents], next_cursor=next_cursor)


async def get_agent(session: AsyncSession, agent_id: uuid.UUID) -> AgentOut:
    return AgentOut.model_validate(await AgentRepository(session).get(agent_id))


async def update_agent(
    session: AsyncSession, principal: Principal, agent_id: uuid.UUID, payload: AgentUpdate
) -> AgentOut:
    repository = AgentRepository(session)
    agent = await repository.get(agent_id)
    agent = await repository.update(agent, payload.version, await _checked(session, payload))
    await _audit(session, principal, "update", agent)
    return AgentOut.model_validate(agent)


async def delete_agent(session: AsyncSession, principal: Principal, agent_id: uuid.UUID) -> None:
    repository = AgentRepository(session)
    agent = await repository.get(agent_id)
    references = ReferenceRepository(session)
    refuse_if_used(
        "agent", await references.crews_using_agent(agent.id) + await references.flows_using("agent_id", agent.id)
    )
    await repository.delete(agent)
    await _audit(session, principal, "delete", agent)
