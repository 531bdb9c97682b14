"""Queries of the tenants domain: tenants, the registry, memberships."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.models import Membership, Tenant, TenantSchema


class TenantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_tenant(self, tenant: Tenant, registry: TenantSchema) -> None:
        self.session.add(tenant)
        await self.session.flush()
        self.session.add(registry)
        await self.session.flush()

    async def add_membership(self, membership: Membership) -> None:
        self.session.add(membership)
        await self.session.flush()

    async def get_tenant(self, tenant_id: uuid.UUID) -> Tenant | None:
        return await self.session.get(Tenant, tenant_id)

    async def get_registry(self, tenant_id: uuid.UUID) -> TenantSchema | None:
        return await self.session.get(TenantSchema, tenant_id)

    async def list_registry(self) -> list[TenantSchema]:
        return list((await self.session.execute(select(TenantSchema).order_by(TenantSchema.schema_name))).scalars())
