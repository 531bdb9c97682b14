"""Tools: CRUD, the catalogue of built-in tools, trying a tool, and the tools of an MCP server."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, AppSettings, Principal, TenantSession
from crewloom.db.session import get_database
from crewloom.kit.encryption import KeyRing
from crewloom.kit.keyring import get_keyring
from crewloom.kit.pagination import Page
from crewloom.kit.resources import ResourceQuery, resource_query
from crewloom.tools import service
from crewloom.tools.catalogue import Catalogue
from crewloom.tools.schemas import McpToolsOut, ToolIn, ToolOut, ToolTestIn, ToolTestOut, ToolUpdate

router = APIRouter(prefix="/tools", tags=["tools"])
Reader = Annotated[Principal, Depends(Allow(Resource.tools, Action.read))]
Writer = Annotated[Principal, Depends(Allow(Resource.tools, Action.write))]


async def _trial(
    request: Request,
    settings: AppSettings,
    # Trying a tool runs it (custom and docker tools in the sandbox): the roles that may edit tools.
    principal: Annotated[Principal, Depends(Allow(Resource.tools, Action.execute))],
    keyring: Annotated[KeyRing, Depends(get_keyring)],
) -> service.Trial:
    return service.Trial(get_database(request), settings, principal, keyring)


Tried = Annotated[service.Trial, Depends(_trial)]


# Declared before /{tool_id} so that "catalogue" is never read as an id.
@router.get("/catalogue", summary="The built-in tools, with the JSON Schemas of their settings and arguments")
async def get_catalogue(principal: Reader) -> Catalogue:
    return service.catalogue()


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a tool")
async def create_tool(
    payload: ToolIn,
    principal: Writer,
    session: TenantSession,
    keyring: Annotated[KeyRing, Depends(get_keyring)],
) -> ToolOut:
    return await service.create_tool(session, principal, keyring, payload)


@router.get("", summary="List tools")
async def list_tools(
    principal: Reader, session: TenantSession, query: Annotated[ResourceQuery, Depends(resource_query)]
) -> Page[ToolOut]:
    return await service.list_tools(session, query)


@router.get("/{tool_id}", summary="Get a tool")
async def get_tool(tool_id: uuid.UUID, principal: Reader, session: TenantSession) -> ToolOut:
    return await service.get_tool(session, tool_id)


@router.put("/{tool_id}", summary="Replace a tool (send the version you edited; a stale one answers 409)")
async def update_tool(
    tool_id: uuid.UUID,
    payload: ToolUpdate,
    principal: Writer,
    session: TenantSession,
    keyring: Annotated[KeyRing, Depends(get_keyring)],
) -> ToolOut:
    return await service.update_tool(session, principal, keyring, tool_id, payload)


@router.delete(
    "/{tool_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a tool (409 while agents or flows use it)"
)
async def delete_tool(
    tool_id: uuid.UUID,
    principal: Annotated[Principal, Depends(Allow(Resource.tools, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.delete_tool(session, principal, tool_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{tool_id}/test",
    summary="Run the tool once with the given arguments (custom and docker tools in the sandbox); "
    "the tool's own failure is a result with ok=false",
    responses={
        422: {"description": "The arguments break the tool's schema"},
        502: {"description": "The tool's MCP server failed or cannot be reached"},
        503: {"description": "sandbox_unavailable: no sandbox can run the tool; it is never run without one"},
        504: {"description": "The tool's MCP server did not answer in time"},
    },
)
async def test_tool(tool_id: uuid.UUID, payload: ToolTestIn, trial: Tried) -> ToolTestOut:
    return await service.test_tool(trial, tool_id, payload)


@router.get(
    "/{tool_id}/mcp-tools",
    summary="The tools an mcp tool's server offers, asked of the server now (a stdio server starts in the sandbox)",
    responses={
        502: {"description": "The server failed or cannot be reached"},
        503: {"description": "sandbox_unavailable: a stdio server needs the sandbox"},
        504: {"description": "The server did not answer in time"},
    },
)
async def list_mcp_tools(tool_id: uuid.UUID, trial: Tried) -> McpToolsOut:
    return await service.mcp_tools(trial, tool_id)
