"""The audit trail of the caller's tenant, for admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crewloom.audit import service
from crewloom.audit.schemas import AuditEventOut, AuditFilter
from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, Principal, TenantSession
from crewloom.kit.pagination import Page, PageRequest, page_request

router = APIRouter(tags=["audit"])


@router.get("/audit", summary="List audit events, newest first")
async def list_audit_events(
    _principal: Annotated[Principal, Depends(Allow(Resource.audit, Action.read))],
    session: TenantSession,
    page: Annotated[PageRequest, Depends(page_request)],
    action: Annotated[str | None, Query(max_length=64)] = None,
    resource_type: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: uuid.UUID | None = None,
    since: Annotated[datetime | None, Query(description="Events at or after this time (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="Events before this time (ISO 8601)")] = None,
) -> Page[AuditEventOut]:
    filters = AuditFilter(action=action, resource_type=resource_type, actor_id=actor_id, since=since, until=until)
    return await service.list_events(session, filters, page)
