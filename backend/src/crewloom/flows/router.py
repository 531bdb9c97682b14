"""Flows: metadata, immutable versions, diff, restore and publish, validation and the node type catalog.
Validating without saving needs flows:write like saving does, so viewers cannot probe which agent,
crew, tool or provider ids exist."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, Principal, TenantSession
from crewloom.flows import service
from crewloom.flows.schemas import (
    FlowIn,
    FlowOut,
    FlowSummary,
    FlowUpdate,
    FlowVersionDetail,
    FlowVersionSummary,
    GraphDiff,
    GraphIn,
    NodeTypeOut,
    ProblemsOut,
    VersionPublish,
    VersionRestore,
    VersionSave,
    VersionSaved,
)
from crewloom.kit.pagination import Page, PageRequest, page_request
from crewloom.kit.resources import ResourceQuery, resource_query
from crewloom.models import Flow

router = APIRouter(prefix="/flows", tags=["flows"])

Reader = Annotated[Principal, Depends(Allow(Resource.flows, Action.read))]
Writer = Annotated[Principal, Depends(Allow(Resource.flows, Action.write))]
Deleter = Annotated[Principal, Depends(Allow(Resource.flows, Action.delete))]
VersionNumber = Annotated[int, Path(ge=1, le=2_147_483_647)]


async def _owned_flow(flow_id: uuid.UUID, session: TenantSession) -> Flow:
    return await service.find_flow(session, flow_id)


# Resolved after the permission check and before any other parameter, so that another tenant's flow is
# a plain 404 whatever else the request holds.
OwnedFlow = Annotated[Flow, Depends(_owned_flow)]


@router.get("/node-types", summary="The node types, each with the JSON Schema of its config")
async def list_node_types(_principal: Reader) -> list[NodeTypeOut]:
    return service.node_types()


@router.post("/validate", summary="Report every problem of a graph without saving it")
async def validate_graph(payload: GraphIn, _principal: Writer, session: TenantSession) -> ProblemsOut:
    return ProblemsOut(problems=await service.graph_problems(session, payload.graph.stored()))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a flow (with a graph: saved as version 1)")
async def create_flow(payload: FlowIn, principal: Writer, session: TenantSession) -> FlowOut:
    return await service.create_flow(session, principal, payload)


@router.get("", summary="List flows (without their graphs)")
async def list_flows(
    _principal: Reader, session: TenantSession, query: Annotated[ResourceQuery, Depends(resource_query)]
) -> Page[FlowSummary]:
    return await service.list_flows(session, query)


@router.get("/{flow_id}", summary="A flow with its latest graph and that graph's problems")
async def get_flow(_principal: Reader, flow: OwnedFlow, session: TenantSession) -> FlowOut:
    return await service.get_flow(session, flow)


@router.put("/{flow_id}", summary="Change a flow's name, description and tags")
async def update_flow(principal: Writer, flow: OwnedFlow, payload: FlowUpdate, session: TenantSession) -> FlowOut:
    return await service.update_flow(session, principal, flow, payload)


@router.delete("/{flow_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a flow and its versions")
async def delete_flow(principal: Deleter, flow: OwnedFlow, session: TenantSession) -> Response:
    await service.delete_flow(session, principal, flow)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{flow_id}/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Save a graph as the next version (saved even with problems, which are returned)",
)
async def save_version(
    principal: Writer, flow: OwnedFlow, payload: VersionSave, session: TenantSession
) -> VersionSaved:
    return await service.save(session, principal, flow, payload)


@router.get("/{flow_id}/versions", summary="A flow's versions, newest first (without graphs)")
async def list_versions(
    _principal: Reader,
    flow: OwnedFlow,
    session: TenantSession,
    page: Annotated[PageRequest, Depends(page_request)],
) -> Page[FlowVersionSummary]:
    return await service.list_versions(session, flow, page)


@router.get("/{flow_id}/versions/{number}", summary="One version with its graph and that graph's problems")
async def get_version(
    _principal: Reader, flow: OwnedFlow, number: VersionNumber, session: TenantSession
) -> FlowVersionDetail:
    return await service.get_version(session, flow, number)


@router.get("/{flow_id}/diff", summary="What changed from version base to version target")
async def diff_versions(
    _principal: Reader,
    flow: OwnedFlow,
    session: TenantSession,
    base: Annotated[int | None, Query(ge=1, le=2_147_483_647, description="Default: the one before target")] = None,
    target: Annotated[int | None, Query(ge=1, le=2_147_483_647, description="Default: the latest")] = None,
) -> GraphDiff:
    return await service.diff_versions(session, flow, base, target)


@router.post(
    "/{flow_id}/versions/{number}/restore",
    status_code=status.HTTP_201_CREATED,
    summary="Save a copy of an earlier version's graph as the next version",
)
async def restore_version(
    principal: Writer, flow: OwnedFlow, number: VersionNumber, payload: VersionRestore, session: TenantSession
) -> VersionSaved:
    return await service.restore(session, principal, flow, number, payload)


@router.post(
    "/{flow_id}/versions/{number}/publish",
    summary="Publish a version without problems: executions run it unless they name another",
)
async def publish_version(
    principal: Writer, flow: OwnedFlow, number: VersionNumber, payload: VersionPublish, session: TenantSession
) -> FlowOut:
    return await service.publish(session, principal, flow, number, payload)
