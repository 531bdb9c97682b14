"""Creating a tenant: its row, its registry entry, its schema at head (with the offline mock provider),
and its first admin, in the caller's transaction, so a failure at any step leaves no half tenant."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.auth.permissions import Role
from crewloom.db.migrations.runner import head
from crewloom.db.tenancy import create_tenant_schema
from crewloom.kit.ids import new_id, tenant_schema_name
from crewloom.llm.service import seed_mock_provider
from crewloom.models import Membership, Tenant, TenantSchema
from crewloom.models.base import utcnow
from crewloom.tenants.repository import TenantRepository


async def provision_tenant(session: AsyncSession, *, name: str, admin_user_id: uuid.UUID) -> Tenant:
    tenant_id = new_id()
    schema = tenant_schema_name(tenant_id)
    repository = TenantRepository(session)
    tenant = Tenant(id=tenant_id, name=name)
    registry = TenantSchema(
        tenant_id=tenant_id, schema_name=schema, version=head("tenant"), status="ready", migrated_at=utcnow()
    )
    await repository.add_tenant(tenant, registry)
    await create_tenant_schema(session, schema)
    await seed_mock_provider(session, schema)
    await repository.add_membership(Membership(tenant_id=tenant_id, user_id=admin_user_id, role=Role.admin))
    return tenant
