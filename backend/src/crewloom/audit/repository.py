"""Queries of the audit domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.audit.schemas import AuditFilter
from crewloom.kit.pagination import PageRequest, paginate
from crewloom.models import AuditEvent
from crewloom.models.base import TENANT_SCHEMA


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, schema: str, values: dict[str, Any]) -> None:
        # The schema is named on the statement itself, so the event lands in the actor's tenant even
        # when the session is not bound to it (accepting an invitation runs on a public session).
        await self.session.execute(
            insert(AuditEvent).values(**values),
            execution_options={"schema_translate_map": {TENANT_SCHEMA: schema}},
        )

    async def page(self, filters: AuditFilter, request: PageRequest) -> tuple[list[AuditEvent], str | None]:
        return await paginate(
            self.session,
            self._filtered(filters),
            request=request,
            sort=AuditEvent.created_at,
            tiebreak=AuditEvent.id,
            descending=True,
        )

    @staticmethod
    def _filtered(filters: AuditFilter) -> Select[Any]:
        statement = select(AuditEvent)
        if filters.action is not None:
            statement = statement.where(AuditEvent.action == filters.action)
        if filters.resource_type is not None:
            statement = statement.where(AuditEvent.resource_type == filters.resource_type)
        if filters.actor_id is not None:
            statement = statement.where(AuditEvent.actor_id == filters.actor_id)
        if filters.since is not None:
            statement = statement.where(AuditEvent.created_at >= filters.since)
        if filters.until is not None:
            statement = statement.where(AuditEvent.created_at < filters.until)
        return statement
