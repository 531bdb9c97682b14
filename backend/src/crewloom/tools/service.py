"""The rules of tools: a configuration valid for the type, secrets stored only encrypted, and no
deletion while an agent or a flow uses the tool."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents.references import ReferenceRepository
from crewloom.audit.service import record
from crewloom.auth.principal import Principal
from crewloom.kit.encryption import KeyRing
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, refuse_if_used
from crewloom.models import Tool
from crewloom.tools import catalogue as tool_catalogue
from crewloom.tools.repository import ToolRepository
from crewloom.tools.schemas import ToolFields, ToolIn, ToolOut, ToolUpdate
from crewloom.tools.validation import checked_config


def _seal(keyring: KeyRing, principal: Principal, secrets: dict[str, str]) -> dict[str, Any]:
    """The secret columns for ``secrets``: one ciphertext bound to the tenant, and the names in clear."""
    if not secrets:
        return {"secrets_ciphertext": None, "secrets_key_id": None, "secret_names": []}
    sealed = keyring.seal(json.dumps(secrets, sort_keys=True), principal.tenant_id)
    return {"secrets_ciphertext": sealed.ciphertext, "secrets_key_id": sealed.key_id, "secret_names": sorted(secrets)}


def _fields(payload: ToolFields, secret_names: set[str]) -> dict[str, Any]:
    return {
        "name": payload.name,
        "description": payload.description,
        "tags": payload.tags,
        "type": payload.type,
        "config": checked_config(payload.type, payload.config, secret_names),
    }


async def _audit(session: AsyncSession, principal: Principal, action: str, tool: Tool, **extra: Any) -> None:
    # Secret names only: values never leave the ciphertext.
    detail = {"name": tool.name, "type": tool.type, "secret_names": list(tool.secret_names), **extra}
    await record(session, principal, action=f"tool.{action}", resource_type="tool", resource_id=tool.id, detail=detail)


def catalogue() -> tool_catalogue.Catalogue:
    return tool_catalogue.catalogue()


async def create_tool(session: AsyncSession, principal: Principal, keyring: KeyRing, payload: ToolIn) -> ToolOut:
    secrets = payload.secrets or {}
    tool = Tool(**_fields(payload, set(secrets)), **_seal(keyring, principal, secrets), created_by=principal.user_id)
    await ToolRepository(session).add(tool)
    await _audit(session, principal, "create", tool)
    return ToolOut.model_validate(tool)


async def list_tools(session: AsyncSession, query: ResourceQuery) -> Page[ToolOut]:
    tools, next_cursor = await ToolRepository(session).list(query)
    return Page(items=[ToolOut.model_validate(tool) for tool in tools], next_cursor=next_cursor)


async def get_tool(session: AsyncSession, tool_id: uuid.UUID) -> ToolOut:
    return ToolOut.model_validate(await ToolRepository(session).get(tool_id))


async def update_tool(
    session: AsyncSession, principal: Principal, keyring: KeyRing, tool_id: uuid.UUID, payload: ToolUpdate
) -> ToolOut:
    repository = ToolRepository(session)
    tool = await repository.get(tool_id)
    secret_names = set(tool.secret_names) if payload.secrets is None else set(payload.secrets)
    changes = _fields(payload, secret_names)
    if payload.secrets is not None:
        changes.update(_seal(keyring, principal, payload.secrets))
    tool = await repository.update(tool, payload.version, changes)
    await _audit(session, principal, "update", tool, secrets_replaced=payload.secrets is not None)
    return ToolOut.model_validate(tool)


async def delete_tool(session: AsyncSession, principal: Principal, tool_id: uuid.UUID) -> None:
    repository = ToolRepository(session)
    tool = await repository.get(tool_id)
    references = ReferenceRepository(session)
    users = await references.agents_using_tool(tool.id) + await references.flows_using("tool_id", tool.id)
    refuse_if_used("tool", users)
    await repository.delete(tool)
    await _audit(session, principal, "delete", tool)
