"""Agents: create, list, read, replace, delete."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from crewloom.agents import service
from crewloom.agents.schemas import AgentIn, AgentOut, AgentUpdate
from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, Principal, TenantSession
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, resource_query

router = APIRouter(prefix="/agents", tags=["agents"])
Reader = Annotated[Principal, Depends(Allow(Resource.agents, Action.read))]
Writer = Annotated[Principal, Depends(Allow(Resource.agents, Action.write))]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an agent")
async def create_agent(payload: AgentIn, principal: Writer, session: TenantSession) -> AgentOut:
    return await service.create_agent(session, principal, payload)


@router.get("", summary="List agents")
async def list_agents(
    principal: Reader, session: TenantSession, query: Annotated[ResourceQuery, Depends(resource_query)]
) -> Page[AgentOut]:
    return await service.list_agents(session, query)


@router.get("/{agent_id}", summary="Get an agent")
async def get_agent(agent_id: uuid.UUID, principal: Reader, session: TenantSession) -> AgentOut:
    return await service.get_agent(session, agent_id)


@router.put("/{agent_id}", summary="Replace an agent (send the version you edited; a stale one answers 409)")
async def update_agent(
    agent_id: uuid.UUID, payload: AgentUpdate, principal: Writer, session: TenantSession
) -> AgentOut:
    return await service.update_agent(session, principal, agent_id, payload)


@router.delete(
    "/{agent_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an agent (409 while crews or flows use it)"
)
async def delete_agent(
    agent_id: uuid.UUID,
    principal: Annotated[Principal, Depends(Allow(Resource.agents, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.delete_agent(session, principal, agent_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
