"""Tenant API keys: created with a role, shown once, stored as a digest, revoked for good."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.apikeys.repository import ApiKeyRepository
from crewloom.apikeys.schemas import ApiKeyCreated, ApiKeyIn, ApiKeyOut
from crewloom.audit.service import record
from crewloom.auth.api_key_format import generate_api_key, hash_secret
from crewloom.auth.principal import Principal
from crewloom.errors import Conflict, NotFound
from crewloom.kit.ids import new_id
from crewloom.kit.pagination import Page, PageRequest
from crewloom.models import ApiKey
from crewloom.models.base import utcnow

# Prefixes are random (36^8); a clash is rare enough that a few fresh draws always settle it.
_PREFIX_ATTEMPTS = 3


async def create_key(session: AsyncSession, principal: Principal, payload: ApiKeyIn) -> ApiKeyCreated:
    repository = ApiKeyRepository(session)
    for _ in range(_PREFIX_ATTEMPTS):
        key, prefix = generate_api_key()
        row = ApiKey(
            id=new_id(),
            tenant_id=principal.tenant_id,
            name=payload.name,
            role=payload.role,
            prefix=prefix,
            key_hash=hash_secret(key),
            created_by=principal.user_id,
            created_at=utcnow(),
        )
        try:
            async with session.begin_nested():
                await repository.add(row)
        except IntegrityError:
            continue
        await record(
            session,
            principal,
            action="api_key.create",
            resource_type="api_key",
            resource_id=row.id,
            detail={"name": row.name, "role": row.role, "prefix": prefix},
        )
        return ApiKeyCreated(
            id=row.id, name=row.name, role=payload.role, prefix=prefix, key=key, created_at=row.created_at
        )
    raise Conflict("could not allocate a unique key prefix; try again")


async def list_keys(session: AsyncSession, principal: Principal, request: PageRequest) -> Page[ApiKeyOut]:
    keys, next_cursor = await ApiKeyRepository(session).page(principal.tenant_id, request)
    return Page(items=[ApiKeyOut.model_validate(key) for key in keys], next_cursor=next_cursor)


async def revoke_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> None:
    """Revoking is final and idempotent; a key of another tenant is not found."""
    key = await ApiKeyRepository(session).get(principal.tenant_id, key_id)
    if key is None:
        raise NotFound("no such API key")
    if key.revoked_at is not None:
        return
    key.revoked_at = utcnow()
    await session.flush()
    await record(
        session,
        principal,
        action="api_key.revoke",
        resource_type="api_key",
        resource_id=key.id,
        detail={"name": key.name, "prefix": key.prefix},
    )
