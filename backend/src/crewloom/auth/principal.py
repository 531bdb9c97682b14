"""Who is calling, for which tenant, with which role: resolved from the database on every request,
so a removed member or a revoked key loses access at once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.auth import tokens
from crewloom.auth.api_key_format import KEY_PREFIX, api_key_prefix, secret_matches
from crewloom.auth.permissions import Action, Resource, Role, is_allowed
from crewloom.auth.repository import PrincipalRepository
from crewloom.config import Settings
from crewloom.db.migrations.runner import head
from crewloom.db.session import get_database, unit_of_work
from crewloom.errors import Forbidden, TenantSchemaOutdated, Unauthorized
from crewloom.models.base import utcnow
from crewloom.observability.context import bind, hide

_bearer = HTTPBearer(auto_error=False, description="An access token or a tenant API key (cl_…)")
_LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    tenant_id: uuid.UUID
    schema: str
    role: Role
    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    client_address: str | None = None

    @property
    def actor_id(self) -> uuid.UUID:
        actor = self.user_id or self.api_key_id
        assert actor is not None
        return actor

    @property
    def actor_kind(self) -> str:
        return "user" if self.user_id is not None else "api_key"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _require_current_schema(schema: str, version: str | None) -> None:
    if version != head("tenant"):
        raise TenantSchemaOutdated(
            "this workspace's data is being upgraded; try again shortly (an administrator runs `crewloom migrate`)"
        )


async def _from_api_key(repository: PrincipalRepository, key: str, address: str | None) -> Principal:
    prefix = api_key_prefix(key)
    found = await repository.find_api_key(prefix) if prefix else None
    if found is None or not secret_matches(key, found.key.key_hash) or found.key.revoked_at is not None:
        raise Unauthorized("invalid API key")
    _require_current_schema(found.schema_name, found.version)
    now = utcnow()
    if found.key.last_used_at is None or now - found.key.last_used_at > _LAST_USED_RESOLUTION:
        found.key.last_used_at = now
    return Principal(
        tenant_id=found.key.tenant_id,
        schema=found.schema_name,
        role=Role(found.key.role),
        api_key_id=found.key.id,
        client_address=address,
    )


async def _from_access_token(
    repository: PrincipalRepository, settings: Settings, token: str, address: str | None
) -> Principal:
    claims = tokens.verify(settings, token, "access")
    found = await repository.find_membership(claims.subject, claims.tenant_id)
    if found is None:
        raise Unauthorized("no longer a member of this workspace")
    _require_current_schema(found.schema_name, found.version)
    return Principal(
        tenant_id=claims.tenant_id,
        schema=found.schema_name,
        role=Role(found.role),
        user_id=claims.subject,
        client_address=address,
    )


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    token = credentials.credentials
    # Hidden from the request's log lines before anything can fail on it.
    hide((token,))
    address = client_address(request)
    async with get_database(request).autocommit_session() as session:
        repository = PrincipalRepository(session)
        if token.startswith(KEY_PREFIX):
            principal = await _from_api_key(repository, token, address)
        else:
            principal = await _from_access_token(repository, get_settings(request), token, address)
        # An API key's new last use goes out as a statement of its own.
        await session.commit()
    bind(tenant_id=principal.tenant_id, user_id=principal.user_id, api_key_id=principal.api_key_id)
    return principal


class Allow:
    """The route's entry in the permission matrix; a dependency that yields the allowed principal."""

    def __init__(self, resource: Resource, action: Action) -> None:
        self.resource = resource
        self.action = action

    async def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not is_allowed(principal.role, self.resource, self.action):
            raise Forbidden(f"the {principal.role} role may not {self.action} {self.resource}")
        return principal


async def _tenant_session(
    request: Request, principal: Annotated[Principal, Depends(get_principal)]
) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(get_database(request), principal.schema) as session:
        yield session


async def _public_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(get_database(request)) as session:
        yield session


# "function" scope: the unit of work commits before the response is sent, never after.
TenantSession = Annotated[AsyncSession, Depends(_tenant_session, scope="function")]
PublicSession = Annotated[AsyncSession, Depends(_public_session, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]
