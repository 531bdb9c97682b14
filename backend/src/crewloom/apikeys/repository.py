"""Queries of the API keys domain."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.kit.pagination import PageRequest, paginate
from crewloom.models import ApiKey


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, key: ApiKey) -> None:
        self.session.add(key)
        await self.session.flush()

    async def get(self, tenant_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        return (
            await self.session.execute(select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == tenant_id))
        ).scalar_one_or_none()

    async def page(self, tenant_id: uuid.UUID, request: PageRequest) -> tuple[list[ApiKey], str | None]:
        return await paginate(
            self.session,
            select(ApiKey).where(ApiKey.tenant_id == tenant_id),
            request=request,
            sort=ApiKey.created_at,
            tiebreak=ApiKey.id,
            descending=True,
        )
