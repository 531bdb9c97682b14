"""The rules of executions: what may run, with which inputs; how a run is followed, cancelled and
retried. A new execution is committed with its queue entry in the request's unit of work; the router
wakes a worker once that has committed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.auth.principal import Principal
from crewloom.db.engine import Database
from crewloom.engine.graph import Graph
from crewloom.engine.problems import Problem
from crewloom.engine.runtime import InputsInvalid, coerce_inputs
from crewloom.errors import Conflict, NotFound, Unprocessable
from crewloom.events import BusUnavailable, EventBus, StoredEvent, follow
from crewloom.executions.repository import ExecutionRepository
from crewloom.executions.runner import SETTLED, settle_without_worker
from crewloom.executions.schemas import (
    ExecuteIn,
    ExecutionDetail,
    ExecutionSummary,
    KickoffIn,
    NodeRunOut,
    Totals,
)
from crewloom.flows.repository import FlowRepository
from crewloom.flows.service import graph_problems, version_graph, version_problems
from crewloom.kit.ids import new_id
from crewloom.kit.pagination import Page, PageRequest
from crewloom.kit.shutdown import process_shutdown
from crewloom.models import Crew, Execution, Flow, FlowVersion, NodeRun
from crewloom.models.base import utcnow
from crewloom.observability.tracing import dispatch_span, trace_carrier
from crewloom.queue import enqueue, request_cancel
from crewloom.transfer.crewai_service import crew_flow_graph
from crewloom.transfer.crewai_yaml import placeholders_of

logger = logging.getLogger(__name__)


def _duration_ms(started: datetime | None, finished: datetime | None) -> int | None:
    if started is None or finished is None:
        return None
    return round((finished - started).total_seconds() * 1000)


def summary(execution: Execution) -> ExecutionSummary:
    return ExecutionSummary.model_validate(
        {
            **{name: getattr(execution, name) for name in ExecutionSummary.model_fields if hasattr(execution, name)},
            "duration_ms": _duration_ms(execution.started_at, execution.finished_at),
        }
    )


def _node_run_out(run: NodeRun, model_calls: int) -> NodeRunOut:
    return NodeRunOut.model_validate(
        {
            **{name: getattr(run, name) for name in NodeRunOut.model_fields if hasattr(run, name)},
            "model_calls": model_calls,
            "duration_ms": _duration_ms(run.started_at, run.finished_at),
        }
    )


async def find_execution(session: AsyncSession, execution_id: uuid.UUID) -> Execution:
    execution = await ExecutionRepository(session).get(execution_id)
    if execution is None:
        raise NotFound(f"no execution with id {execution_id}")
    return execution


async def detail(session: AsyncSession, execution: Execution) -> ExecutionDetail:
    repository = ExecutionRepository(session)
    runs = await repository.node_runs(execution.id)
    usage = await repository.usage_by_node(execution.id)
    nodes = [_node_run_out(run, usage.get(run.node_id, (0, None))[0]) for run in runs]
    # Totals come from the node runs, so a retry's reused nodes are counted where they ran.
    costs = [run.cost for run in runs if run.cost is not None and not run.reused]
    totals = Totals(
        tokens_in=sum(run.tokens_in for run in runs if not run.reused),
        tokens_out=sum(run.tokens_out for run in runs if not run.reused),
        cost=sum(costs) if costs else None,
        model_calls=sum(calls for calls, _cost in usage.values()),
    )
    return ExecutionDetail(
        **summary(execution).model_dump(),
        graph=execution.graph,
        inputs=execution.inputs,
        outputs=execution.outputs,
        last_event_id=execution.last_event_id,
        totals=totals,
        nodes=nodes,
    )


async def list_executions(
    session: AsyncSession,
    request: PageRequest,
    *,
    flow_id: uuid.UUID | None,
    crew_id: uuid.UUID | None,
    status: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Page[ExecutionSummary]:
    rows, cursor = await ExecutionRepository(session).page(
        request, flow_id=flow_id, crew_id=crew_id, status=status, since=since, until=until
    )
    return Page(items=[summary(row) for row in rows], next_cursor=cursor)


async def _version_to_run(session: AsyncSession, flow: Flow, number: int | None) -> FlowVersion:
    if number is None and flow.latest_version == 0:
        raise Conflict(f"the flow {flow.name!r} has no saved version to run")
    version = await FlowRepository(session).find_version(flow.id, number or flow.latest_version)
    if version is None:
        raise NotFound(f"flow {flow.id} has no version {number}")
    return version


async def _queued(session: AsyncSession, principal: Principal, execution: Execution) -> Execution:
    await ExecutionRepository(session).add(execution)
    with dispatch_span(principal.tenant_id, execution.id):
        # Stored with the queued execution, so that the worker running it continues this request's trace.
        await enqueue(session, tenant_id=principal.tenant_id, execution_id=execution.id, trace_context=trace_carrier())
    return execution


def _checked_inputs(graph: Graph, inputs: dict[str, Any]) -> dict[str, Any]:
    try:
        return coerce_inputs(graph, inputs)
    except InputsInvalid as exc:
        raise Unprocessable(
            [{"field": f"inputs.{problem.field}", "message": problem.message} for problem in exc.problems]
        ) from None


async def _runnable_graph(session: AsyncSession, graph: dict[str, Any] | FlowVersion, what: str) -> Graph:
    if isinstance(graph, FlowVersion):
        _refuse_problems(await version_problems(session, graph), what)
        return version_graph(graph)
    _refuse_problems(await graph_problems(session, graph), what)
    return Graph.model_validate(graph)


def _refuse_problems(problems: list[Problem], what: str) -> None:
    if problems:
        raise Unprocessable(
            [
                {
                    "field": ".".join(filter(None, ["graph", problem.node_id or problem.edge_id, problem.field])),
                    "message": f"{what}: {problem.message}",
                }
                for problem in problems
            ]
        )


async def start_flow(session: AsyncSession, principal: Principal, flow: Flow, payload: ExecuteIn) -> Execution:
    """Queue a run of a flow version whose graph validates, with inputs that fit its input node."""
    version = await _version_to_run(session, flow, payload.version)
    graph = await _runnable_graph(session, version, f"version {version.number} cannot run")
    execution = Execution(
        id=new_id(),
        kind="flow",
        flow_id=flow.id,
        flow_version_id=version.id,
        graph=version.graph,
        inputs=_checked_inputs(graph, payload.inputs),
        status="queued",
        created_by=principal.actor_id,
        created_at=utcnow(),
    )
    return await _queued(session, principal, execution)


async def kickoff(session: AsyncSession, principal: Principal, crew: Crew, payload: KickoffIn) -> Execution:
    """Queue a crew on its own: a run of input -> crew -> output, one input per placeholder."""
    placeholders = placeholders_of(
        [
            text
            for task in crew.tasks
            for text in (str(task.get("description", "")), str(task.get("expected_output", "")))
        ]
    )
    graph = crew_flow_graph(crew.id, placeholders).stored()
    checked = await _runnable_graph(session, graph, f"the crew {crew.name!r} cannot run")
    execution = Execution(
        id=new_id(),
        kind="crew",
        crew_id=crew.id,
        graph=graph,
        inputs=_checked_inputs(checked, payload.inputs),
        status="queued",
        created_by=principal.actor_id,
        created_at=utcnow(),
    )
    return await _queued(session, principal, execution)


async def cancel(session: AsyncSession, principal: Principal, execution: Execution) -> StoredEvent | None:
    """A queued execution is cancelled at once, and its ``run_cancelled`` event returned for the caller to
    publish once committed; a running one stops at the worker's next heartbeat, which says so itself."""
    if execution.status in SETTLED:
        raise Conflict(f"the execution already {execution.status}")
    state = await request_cancel(session, execution.id)
    if state != "queued":
        return None
    event = await settle_without_worker(
        session,
        tenant_id=principal.tenant_id,
        execution_id=execution.id,
        status="cancelled",
        reason="cancelled before it started",
        event="run_cancelled",
    )
    await session.refresh(execution)
    return event


async def publish_settled(bus: EventBus, execution_id: uuid.UUID, event: StoredEvent) -> None:
    """Tell followers at once of an execution settled without a worker; one who misses it reads the log."""
    try:
        await bus.publish(execution_id, [event])
        await bus.finish(execution_id)
    except BusUnavailable:
        logger.warning("the event bus is unreachable; followers of %s read the log", execution_id)


async def retry(session: AsyncSession, principal: Principal, execution: Execution) -> Execution:
    """A new execution of the same graph and inputs that reuses what succeeded and reruns the rest."""
    if execution.status not in ("failed", "cancelled"):
        raise Conflict(f"only a failed or cancelled execution can be retried; this one is {execution.status}")
    copy = Execution(
        id=new_id(),
        kind=execution.kind,
        flow_id=execution.flow_id,
        flow_version_id=execution.flow_version_id,
        crew_id=execution.crew_id,
        retry_of=execution.id,
        graph=execution.graph,
        inputs=execution.inputs,
        status="queued",
        created_by=principal.actor_id,
        created_at=utcnow(),
    )
    return await _queued(session, principal, copy)


def events(
    database: Database, schema: str, bus: EventBus, execution_id: uuid.UUID, after: int, *, heartbeat_seconds: float
) -> AsyncIterator[str]:
    """The SSE frames of an execution from ``after`` on; each catch-up read takes its own short session."""

    async def load_after(last: int) -> list[Any]:
        async with database.session(schema) as session:
            return await ExecutionRepository(session).events_after(execution_id, last)

    return follow(
        execution_id,
        after,
        load_after=load_after,
        bus=bus,
        heartbeat_seconds=heartbeat_seconds,
        stopping=process_shutdown,
    )
