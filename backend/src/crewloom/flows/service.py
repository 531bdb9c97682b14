"""Flow rules: every save is a new immutable version (kept even when it has problems, so no draft is
lost), only a version without problems is published, and stale editors get 409 instead of overwriting."""

from __future__ import annotations

import uuid
from collections import defaultdict
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.audit.service import record
from crewloom.auth.principal import Principal
from crewloom.engine import validation
from crewloom.engine.graph import Graph
from crewloom.engine.nodes import NODE_TYPES
from crewloom.engine.problems import KnownReferences, Problem
from crewloom.errors import NotFound, Unprocessable
from crewloom.flows import diff
from crewloom.flows.repository import FlowRepository, existing_ids
from crewloom.flows.schemas import (
    FlowIn,
    FlowOut,
    FlowSummary,
    FlowUpdate,
    FlowVersionDetail,
    FlowVersionOut,
    FlowVersionSummary,
    GraphDiff,
    NodeTypeOut,
    VersionPublish,
    VersionRestore,
    VersionSave,
    VersionSaved,
)
from crewloom.kit.ids import new_id
from crewloom.kit.pagination import Page, PageRequest
from crewloom.kit.remembered import Remembered
from crewloom.kit.resources import ResourceQuery
from crewloom.models import Flow, FlowVersion
from crewloom.models.base import utcnow

_RESOURCE = "flow"


# What never changes about a saved version, remembered for the versions seen last: its problems for each set of the
# objects it names that still exist, those names, and its graph parsed. A run of a large flow neither walks nor
# parses nor checks its graph again.
_VERSIONS_REMEMBERED = 512
_checked_versions: Remembered[tuple[uuid.UUID, KnownReferences], tuple[Problem, ...]] = Remembered(_VERSIONS_REMEMBERED)
_named_by_versions: Remembered[uuid.UUID, dict[str, set[uuid.UUID]]] = Remembered(_VERSIONS_REMEMBERED)
_parsed_versions: Remembered[uuid.UUID, Graph] = Remembered(_VERSIONS_REMEMBERED)


def _named(graph: dict[str, Any]) -> dict[str, set[uuid.UUID]]:
    """The ids the graph names, by kind."""
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for reference in validation.references(graph):
        wanted[reference.kind].add(reference.id)
    return wanted


async def _known_references(session: AsyncSession, wanted: dict[str, set[uuid.UUID]]) -> KnownReferences:
    """Which of the ids a graph names exist in the session's tenant; only those are looked up."""
    return KnownReferences(
        agents=frozenset(await existing_ids(session, "agent", wanted["agent"])),
        crews=frozenset(await existing_ids(session, "crew", wanted["crew"])),
        tools=frozenset(await existing_ids(session, "tool", wanted["tool"])),
        providers=frozenset(await existing_ids(session, "provider", wanted["provider"])),
    )


async def graph_problems(session: AsyncSession, graph: dict[str, Any]) -> list[Problem]:
    """Every problem of ``graph`` in the session's tenant."""
    return validation.validate(graph, await _known_references(session, _named(graph)))


async def version_problems(session: AsyncSession, version: FlowVersion) -> list[Problem]:
    """Every problem of a saved version. Its graph never changes, so they depend only on which of the objects
    it names still exist: checked once per such set, not at every run of a large flow."""
    known = await _known_references(session, _named_by_versions.get(version.id, lambda: _named(version.graph)))
    problems = _checked_versions.get((version.id, known), lambda: tuple(validation.validate(version.graph, known)))
    return [problem.model_copy() for problem in problems]


def version_graph(version: FlowVersion) -> Graph:
    """The graph of a saved version without problems, parsed once (the callers do not change it)."""
    return _parsed_versions.get(version.id, lambda: Graph.model_validate(version.graph))


def _graph_model(graph: Graph | dict[str, Any]) -> Graph:
    if isinstance(graph, Graph):
        return graph
    parsed, problems = validation.parse_graph(graph)
    if parsed is None:
        raise Unprocessable(
            [
                {"field": ".".join(filter(None, ["graph", problem.field])), "message": problem.message}
                for problem in problems
            ]
        )
    return parsed


async def save_version(
    session: AsyncSession,
    principal: Principal,
    flow: Flow,
    graph: Graph | dict[str, Any],
    message: str,
    *,
    expected_version: int | None = None,
) -> FlowVersion:
    """Append ``graph`` as the flow's next version, whatever its problems. With ``expected_version``,
    an editor who started from an older flow version gets 409. Callers record their own audit event."""
    stored = _graph_model(graph).stored()
    number = flow.latest_version + 1
    repository = FlowRepository(session)
    await repository.update(
        flow, flow.version if expected_version is None else expected_version, {"latest_version": number}
    )
    return await repository.add_version(
        FlowVersion(
            id=new_id(),
            flow_id=flow.id,
            number=number,
            graph=stored,
            message=message,
            author_id=principal.actor_id,
            created_at=utcnow(),
        )
    )


async def _flow_out(session: AsyncSession, flow: Flow) -> FlowOut:
    summary = FlowSummary.model_validate(flow)
    latest = await FlowRepository(session).find_version(flow.id, flow.latest_version) if flow.latest_version else None
    if latest is None:
        return FlowOut(**summary.model_dump(), graph=None, problems=[])
    problems = await version_problems(session, latest)
    return FlowOut(**summary.model_dump(), graph=Graph.model_validate(latest.graph), problems=problems)


async def _version(session: AsyncSession, flow: Flow, number: int) -> FlowVersion:
    found = await FlowRepository(session).find_version(flow.id, number)
    if found is None:
        raise NotFound(f"flow {flow.id} has no version {number}")
    return found


async def create_flow(session: AsyncSession, principal: Principal, payload: FlowIn) -> FlowOut:
    flow = await FlowRepository(session).add(
        Flow(
            id=new_id(),
            name=payload.name,
            description=payload.description,
            tags=payload.tags,
            created_by=principal.user_id,
            latest_version=0,
        )
    )
    if payload.graph is not None:
        await save_version(session, principal, flow, payload.graph, payload.message)
    await record(
        session,
        principal,
        action="flow.create",
        resource_type=_RESOURCE,
        resource_id=flow.id,
        detail={"name": flow.name, "latest_version": flow.latest_version},
    )
    return await _flow_out(session, flow)


async def list_flows(session: AsyncSession, query: ResourceQuery) -> Page[FlowSummary]:
    flows, next_cursor = await FlowRepository(session).list(query)
    return Page(items=[FlowSummary.model_validate(flow) for flow in flows], next_cursor=next_cursor)


async def find_flow(session: AsyncSession, flow_id: uuid.UUID) -> Flow:
    """The flow of this tenant, or 404."""
    return await FlowRepository(session).get(flow_id)


async def get_flow(session: AsyncSession, flow: Flow) -> FlowOut:
    return await _flow_out(session, flow)


async def update_flow(session: AsyncSession, principal: Principal, flow: Flow, payload: FlowUpdate) -> FlowOut:
    changes = payload.model_dump(include={"name", "description", "tags"})
    await FlowRepository(session).update(flow, payload.version, changes)
    await record(session, principal, action="flow.update", resource_type=_RESOURCE, resource_id=flow.id, detail=changes)
    return await _flow_out(session, flow)


async def delete_flow(session: AsyncSession, principal: Principal, flow: Flow) -> None:
    flow_id = flow.id
    await FlowRepository(session).delete(flow)
    await record(
        session,
        principal,
        action="flow.delete",
        resource_type=_RESOURCE,
        resource_id=flow_id,
        detail={"name": flow.name},
    )


async def _saved(session: AsyncSession, flow: Flow, version: FlowVersion) -> VersionSaved:
    flow_out = await _flow_out(session, flow)
    return VersionSaved(version=FlowVersionOut.model_validate(version), problems=flow_out.problems, flow=flow_out)


async def save(session: AsyncSession, principal: Principal, flow: Flow, payload: VersionSave) -> VersionSaved:
    version = await save_version(
        session, principal, flow, payload.graph, payload.message, expected_version=payload.version
    )
    await record(
        session,
        principal,
        action="flow.save_version",
        resource_type=_RESOURCE,
        resource_id=flow.id,
        detail={"number": version.number, "message": version.message},
    )
    return await _saved(session, flow, version)


async def restore(
    session: AsyncSession, principal: Principal, flow: Flow, number: int, payload: VersionRestore
) -> VersionSaved:
    source = await _version(session, flow, number)
    message = payload.message if payload.message is not None else f"Restored version {number}"
    version = await save_version(session, principal, flow, source.graph, message, expected_version=payload.version)
    await record(
        session,
        principal,
        action="flow.restore",
        resource_type=_RESOURCE,
        resource_id=flow.id,
        detail={"restored": number, "number": version.number},
    )
    return await _saved(session, flow, version)


async def publish(
    session: AsyncSession, principal: Principal, flow: Flow, number: int, payload: VersionPublish
) -> FlowOut:
    repository = FlowRepository(session)
    version = await _version(session, flow, number)
    problems = await version_problems(session, version)
    if problems:
        raise Unprocessable(
            {
                "message": f"version {number} has {len(problems)} problem(s); fix them and save before publishing",
                "problems": [problem.model_dump(exclude_none=True) for problem in problems],
            }
        )
    previous = flow.published_version
    await repository.update(flow, payload.version, {"published_version": number})
    await record(
        session,
        principal,
        action="flow.publish",
        resource_type=_RESOURCE,
        resource_id=flow.id,
        detail={"number": number, "previous": previous},
    )
    return await _flow_out(session, flow)


async def list_versions(session: AsyncSession, flow: Flow, request: PageRequest) -> Page[FlowVersionSummary]:
    versions, next_cursor = await FlowRepository(session).versions(flow.id, request)
    return Page(items=[FlowVersionSummary.model_validate(version) for version in versions], next_cursor=next_cursor)


async def get_version(session: AsyncSession, flow: Flow, number: int) -> FlowVersionDetail:
    version = await _version(session, flow, number)
    problems = await version_problems(session, version)
    return FlowVersionDetail(**FlowVersionOut.model_validate(version).model_dump(), problems=problems)


async def diff_versions(session: AsyncSession, flow: Flow, base: int | None, target: int | None) -> GraphDiff:
    """``target`` defaults to the latest version and ``base`` to the one before ``target``."""
    target = target if target is not None else flow.latest_version
    base = base if base is not None else max(target - 1, 1)
    before = await _version(session, flow, base)
    after = await _version(session, flow, target)
    return diff.graph_diff(base, Graph.model_validate(before.graph), target, Graph.model_validate(after.graph))


@lru_cache(maxsize=1)
def node_types() -> list[NodeTypeOut]:
    return [
        NodeTypeOut(
            type=name,
            title=node_type.title,
            description=node_type.description,
            config_schema=node_type.config.model_json_schema(),
            outputs=list(node_type.outputs),
        )
        for name, node_type in NODE_TYPES.items()
    ]
