"""The rules of tools: a configuration valid for the type, secrets stored only encrypted, no deletion while
an agent or a flow uses the tool, and trying a tool runs it as a run would (custom and docker tools only in
the sandbox)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents.references import ReferenceRepository
from crewloom.audit.service import record
from crewloom.auth.principal import Principal
from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.db.session import unit_of_work
from crewloom.engine.runtime import NodeError
from crewloom.engine.tools.access import ToolAccess, tenant_workspace
from crewloom.engine.tools.arguments import ArgumentsInvalid
from crewloom.engine.tools.mcp import McpUnreachable, list_mcp_tools
from crewloom.engine.tools.outbound import HostAllowlist
from crewloom.engine.tools.sandboxed import unavailable
from crewloom.engine.tools.spec import ToolSpec
from crewloom.engine.tools.trial import try_tool
from crewloom.errors import AppError, BadGateway, Conflict, GatewayTimeout, NoSandbox, Unprocessable
from crewloom.executions.specs import tool_spec
from crewloom.kit.encryption import KeyRing, Sealed, SecretUnavailable
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, refuse_if_used
from crewloom.models import Tool
from crewloom.observability.context import hide
from crewloom.sandbox import SandboxUnavailable
from crewloom.tools import catalogue as tool_catalogue
from crewloom.tools.repository import ToolRepository
from crewloom.tools.schemas import (
    McpToolOut,
    McpToolsOut,
    ToolFields,
    ToolIn,
    ToolOut,
    ToolTestIn,
    ToolTestOut,
    ToolUpdate,
)
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


@dataclass(frozen=True)
class Trial:
    """Where a tool is tried from: what it needs to run as a run of the caller's workspace would."""

    database: Database
    settings: Settings
    principal: Principal
    keyring: KeyRing

    def access(self) -> ToolAccess:
        return ToolAccess(
            workspace=tenant_workspace(self.settings.data_dir, self.principal.tenant_id),
            allowed_hosts=HostAllowlist.parse(self.settings.tool_host_allowlist),
        )


async def _runnable(trial: Trial, tool_id: uuid.UUID, action: str, *, mcp_only: bool) -> ToolSpec:
    """The tool as a run sees it, its secrets opened. The database connection goes back to the pool before
    the tool is called, which may take as long as its limits allow."""
    database, principal, keyring = trial.database, trial.principal, trial.keyring
    async with unit_of_work(database, principal.schema) as session:
        tool = await ToolRepository(session).get(tool_id)
        if mcp_only and tool.type != "mcp":
            raise Unprocessable({"field": "type", "message": f"a {tool.type} tool, not an mcp tool"})
        await _audit(session, principal, action, tool)
    secrets: dict[str, str] = {}
    if tool.secrets_ciphertext is not None:
        try:
            opened = keyring.open(Sealed(tool.secrets_ciphertext, tool.secrets_key_id or ""), principal.tenant_id)
        except SecretUnavailable as exc:
            raise Conflict(f"the stored secrets of the tool cannot be used ({exc}): set them again") from None
        secrets = json.loads(opened)
        hide(secrets.values())
    return tool_spec(tool.id, tool, secrets, trial.access())


def _refusal(tool: ToolSpec, error: Exception) -> AppError:
    """The API's answer when the tool could not be tried at all."""
    if isinstance(error, ArgumentsInvalid):
        return Unprocessable(error.problems)
    if isinstance(error, SandboxUnavailable):
        return NoSandbox(unavailable(tool, error).message)
    if isinstance(error, McpUnreachable) and error.timed_out:
        return GatewayTimeout(error.message)
    assert isinstance(error, NodeError)
    return BadGateway(error.message)


async def test_tool(trial: Trial, tool_id: uuid.UUID, payload: ToolTestIn) -> ToolTestOut:
    """One call with the given arguments; the tool's own failure is a result (ok=false), not an error."""
    tool = await _runnable(trial, tool_id, "test", mcp_only=False)
    try:
        outcome = await try_tool(tool, payload.arguments)
    except (ArgumentsInvalid, SandboxUnavailable, McpUnreachable) as exc:
        raise _refusal(tool, exc) from None
    return ToolTestOut(
        ok=outcome.ok,
        result=outcome.result,
        error=outcome.error,
        stdout=outcome.stdout,
        stderr=outcome.stderr,
        duration_ms=outcome.duration_ms,
        limit=outcome.limit,
    )


async def mcp_tools(trial: Trial, tool_id: uuid.UUID) -> McpToolsOut:
    """The tools that an mcp tool's server offers, asked of the server now."""
    tool = await _runnable(trial, tool_id, "list_mcp_tools", mcp_only=True)
    try:
        listed = await list_mcp_tools(tool)
    except (SandboxUnavailable, NodeError) as exc:
        raise _refusal(tool, exc) from None
    return McpToolsOut(
        items=[
            McpToolOut(name=item.name, description=item.description, input_schema=item.input_schema) for item in listed
        ]
    )
