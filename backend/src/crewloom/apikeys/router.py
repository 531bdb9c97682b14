"""Tenant API keys: ``Authorization: Bearer cl_…`` acts with the key's role in its tenant."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from crewloom.apikeys import service
from crewloom.apikeys.schemas import ApiKeyCreated, ApiKeyIn, ApiKeyOut
from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, Principal, TenantSession
from crewloom.kit.pagination import Page, PageRequest, page_request

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an API key (the key is shown only once)")
async def create_api_key(
    payload: ApiKeyIn,
    principal: Annotated[Principal, Depends(Allow(Resource.api_keys, Action.write))],
    session: TenantSession,
) -> ApiKeyCreated:
    return await service.create_key(session, principal, payload)


@router.get("", summary="List the tenant's API keys, newest first")
async def list_api_keys(
    principal: Annotated[Principal, Depends(Allow(Resource.api_keys, Action.read))],
    session: TenantSession,
    page: Annotated[PageRequest, Depends(page_request)],
) -> Page[ApiKeyOut]:
    return await service.list_keys(session, principal, page)


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke an API key")
async def revoke_api_key(
    key_id: uuid.UUID,
    principal: Annotated[Principal, Depends(Allow(Resource.api_keys, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.revoke_key(session, principal, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
