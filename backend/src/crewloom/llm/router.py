"""LLM providers: the models a tenant can call, their encrypted keys, and a one-call connection test."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status

from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, Principal, TenantSession
from crewloom.db.session import get_database
from crewloom.kit.encryption import KeyRing
from crewloom.kit.keyring import get_keyring
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, resource_query
from crewloom.llm import service
from crewloom.llm.gateway import ProviderType
from crewloom.llm.schemas import (
    ProviderIn,
    ProviderOut,
    ProviderQuery,
    ProviderTestIn,
    ProviderTestOut,
    ProviderUpdate,
)

router = APIRouter(prefix="/llm-providers", tags=["llm-providers"])
Ring = Annotated[KeyRing, Depends(get_keyring)]


def provider_query(
    base: Annotated[ResourceQuery, Depends(resource_query)],
    provider_type: Annotated[
        ProviderType | None, Query(alias="type", description="Only providers of this type")
    ] = None,
) -> ProviderQuery:
    return ProviderQuery(**base.model_dump(), type=provider_type)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add a provider (its API key is stored encrypted)")
async def create_provider(
    payload: ProviderIn,
    principal: Annotated[Principal, Depends(Allow(Resource.llm_providers, Action.write))],
    session: TenantSession,
    ring: Ring,
) -> ProviderOut:
    return await service.create_provider(session, principal, ring, payload)


@router.get("", summary="List providers")
async def list_providers(
    _principal: Annotated[Principal, Depends(Allow(Resource.llm_providers, Action.read))],
    session: TenantSession,
    query: Annotated[ProviderQuery, Depends(provider_query)],
) -> Page[ProviderOut]:
    return await service.list_providers(session, query)


@router.get("/{provider_id}", summary="Get a provider")
async def get_provider(
    provider_id: uuid.UUID,
    _principal: Annotated[Principal, Depends(Allow(Resource.llm_providers, Action.read))],
    session: TenantSession,
) -> ProviderOut:
    return await service.get_provider(session, provider_id)


@router.put("/{provider_id}", summary="Replace a provider's settings; api_key absent keeps the stored key")
async def update_provider(
    provider_id: uuid.UUID,
    payload: ProviderUpdate,
    principal: Annotated[Principal, Depends(Allow(Resource.llm_providers, Action.write))],
    session: TenantSession,
    ring: Ring,
) -> ProviderOut:
    return await service.update_provider(session, principal, ring, provider_id, payload)


@router.delete(
    "/{provider_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a provider no agent or crew uses"
)
async def delete_provider(
    provider_id: uuid.UUID,
    principal: Annotated[Principal, Depends(Allow(Resource.llm_providers, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.delete_provider(session, principal, provider_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{provider_id}/test", summary="Make one tiny real call and report the latency or the provider's error")
async def probe_provider(
    provider_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, Depends(Allow(Resource.llm_providers, Action.execute))],
    ring: Ring,
    payload: Annotated[ProviderTestIn | None, Body()] = None,
) -> ProviderTestOut:
    return await service.probe_provider(
        get_database(request), principal, ring, provider_id, payload or ProviderTestIn()
    )
