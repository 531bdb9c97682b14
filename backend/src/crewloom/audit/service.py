"""The audit trail: who did what to which resource, recorded in the same transaction as the change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.audit.repository import AuditRepository
from crewloom.audit.schemas import AuditEventOut, AuditFilter
from crewloom.auth.principal import Principal
from crewloom.errors import Unprocessable
from crewloom.kit.ids import new_id
from crewloom.kit.pagination import Page, PageRequest
from crewloom.models.base import utcnow


async def record(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one event to the principal's tenant. ``detail`` is shown to admins: never put secrets in it."""
    await AuditRepository(session).add(
        principal.schema,
        {
            "id": new_id(),
            "created_at": utcnow(),
            "actor_id": principal.actor_id,
            "actor_kind": principal.actor_kind,
            "action": action,
            "resource_type": resource_type,
            "resource_id": None if resource_id is None else str(resource_id),
            "detail": detail or {},
            "client_address": principal.client_address,
        },
    )


def _as_utc(value: datetime | None) -> datetime | None:
    # A datetime without an offset is read as UTC, the zone every event is stored in.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _checked(filters: AuditFilter) -> AuditFilter:
    since, until = _as_utc(filters.since), _as_utc(filters.until)
    if since is not None and until is not None and since > until:
        raise Unprocessable({"field": "since", "message": "must not be later than until"})
    return filters.model_copy(update={"since": since, "until": until})


async def list_events(session: AsyncSession, filters: AuditFilter, request: PageRequest) -> Page[AuditEventOut]:
    events, next_cursor = await AuditRepository(session).page(_checked(filters), request)
    return Page(items=[AuditEventOut.model_validate(event) for event in events], next_cursor=next_cursor)
