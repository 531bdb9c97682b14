"""Queries of the auth domain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.models import ApiKey, Membership, TenantSchema


@dataclass(frozen=True)
class MembershipContext:
    role: str
    schema_name: str
    version: str | None


@dataclass(frozen=True)
class ApiKeyContext:
    key: ApiKey
    schema_name: str
    version: str | None


class PrincipalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find_membership(self, user_id: uuid.UUID, tenant_id: uuid.UUID) -> MembershipContext | None:
        row = (
            await self.session.execute(
                select(Membership.role, TenantSchema.schema_name, TenantSchema.version)
                .join(TenantSchema, TenantSchema.tenant_id == Membership.tenant_id)
                .where(Membership.user_id == user_id, Membership.tenant_id == tenant_id)
            )
        ).one_or_none()
        return MembershipContext(row.role, row.schema_name, row.version) if row else None

    async def find_api_key(self, prefix: str) -> ApiKeyContext | None:
        row = (
            await self.session.execute(
                select(ApiKey, TenantSchema.schema_name, TenantSchema.version)
                .join(TenantSchema, TenantSchema.tenant_id == ApiKey.tenant_id)
                .where(ApiKey.prefix == prefix)
            )
        ).one_or_none()
        return ApiKeyContext(row[0], row[1], row[2]) if row else None
