"""Crews: create, list, read, replace, delete."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, Principal, TenantSession
from crewloom.crews import service
from crewloom.crews.schemas import CrewIn, CrewOut, CrewUpdate
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, resource_query

router = APIRouter(prefix="/crews", tags=["crews"])
Reader = Annotated[Principal, Depends(Allow(Resource.crews, Action.read))]
Writer = Annotated[Principal, Depends(Allow(Resource.crews, Action.write))]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a crew")
async def create_crew(payload: CrewIn, principal: Writer, session: TenantSession) -> CrewOut:
    return await service.create_crew(session, principal, payload)


@router.get("", summary="List crews")
async def list_crews(
    principal: Reader, session: TenantSession, query: Annotated[ResourceQuery, Depends(resource_query)]
) -> Page[CrewOut]:
    return await service.list_crews(session, query)


@router.get("/{crew_id}", summary="Get a crew")
async def get_crew(crew_id: uuid.UUID, principal: Reader, session: TenantSession) -> CrewOut:
    return await service.get_crew(session, crew_id)


@router.put("/{crew_id}", summary="Replace a crew (send the version you edited; a stale one answers 409)")
async def update_crew(crew_id: uuid.UUID, payload: CrewUpdate, principal: Writer, session: TenantSession) -> CrewOut:
    return await service.update_crew(session, principal, crew_id, payload)


@router.delete("/{crew_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a crew (409 while flows use it)")
async def delete_crew(
    crew_id: uuid.UUID,
    principal: Annotated[Principal, Depends(Allow(Resource.crews, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.delete_crew(session, principal, crew_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
