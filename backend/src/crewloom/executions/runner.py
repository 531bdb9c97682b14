"""Running one claimed execution in a worker, and settling those whose worker went away: the glue
between the queue, the engine and the tenant's tables."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.engine.graph import Graph
from crewloom.engine.runtime import NodeOutcome, RunFailed, RunOutcome, Usage, run_flow
from crewloom.engine.tools.access import ToolAccess, tenant_workspace
from crewloom.engine.tools.outbound import HostAllowlist
from crewloom.events import BusUnavailable, EventBus, StoredEvent, create_bus
from crewloom.executions.recorder import EventRecorder
from crewloom.executions.repository import ExecutionRepository
from crewloom.executions.resources import RunResources
from crewloom.executions.writer import EventWriter
from crewloom.kit.ids import tenant_schema_name
from crewloom.kit.keyring import KeyRingSource
from crewloom.llm.repository import ProviderRepository
from crewloom.models import NodeRun
from crewloom.models.base import utcnow
from crewloom.observability.context import hide, log_scope
from crewloom.observability.metrics import execution_ended
from crewloom.queue import Claim, ExecutionHooks, ExecutionRunner, Lease, LeaseLost, fence, hand_back, release

logger = logging.getLogger(__name__)

SETTLED = frozenset({"succeeded", "failed", "cancelled"})
_HANDED_BACK = "its worker is shutting down; queued again for another one, which reuses the nodes that finished"


def _reusable(runs: list[NodeRun]) -> dict[str, NodeOutcome]:
    return {
        run.node_id: NodeOutcome(
            status="succeeded",
            output=run.output,
            usage=Usage(tokens_in=run.tokens_in, tokens_out=run.tokens_out, cost=run.cost),
            attempts=run.attempts,
            details=run.details,
        )
        for run in runs
        if run.status == "succeeded"
    }


class ExecutionWorker:
    """Runs a claimed execution: outputs of nodes that already succeeded (in the execution it retries,
    or before an earlier holder of this one died) are reused; everything else runs."""

    def __init__(self, database: Database, settings: Settings, bus: EventBus) -> None:
        self._database = database
        self._settings = settings
        self._bus = bus
        self._writer = EventWriter(database, bus)
        self._keyrings = KeyRingSource(settings)
        # Parsed here so that a malformed setting stops the worker at start, not each run.
        self._tool_hosts = HostAllowlist.parse(settings.tool_host_allowlist)

    async def __call__(self, claim: Claim, lease: Lease) -> None:
        with log_scope(execution_id=claim.execution_id, tenant_id=claim.tenant_id):
            logger.info("running execution %s (claim %d)", claim.execution_id, claim.claims)
            await self._run_claim(claim, lease)

    async def _run_claim(self, claim: Claim, lease: Lease) -> None:
        schema = tenant_schema_name(claim.tenant_id)
        async with self._database.session(schema) as session:
            repository = ExecutionRepository(session)
            execution = await repository.get(claim.execution_id)
            if execution is None or execution.status in SETTLED:
                # Deleted with its tenant, or settled by a holder that lost the lease at the last moment.
                await fence(session, claim)
                await release(session, claim)
                await session.commit()
                return
            reuse = _reusable(await repository.node_runs(execution.retry_of)) if execution.retry_of else {}
            if execution.last_event_id:
                # Node runs are written with the events that change them: an execution without events has none.
                reuse |= _reusable(await repository.node_runs(execution.id))
            inputs: dict[str, Any] = execution.inputs
            last_event_id = execution.last_event_id
            graph = Graph.model_validate(execution.graph)
            # Read with the execution, so that the first model call of each node needs no query of its own.
            providers = await ProviderRepository(session).get_many(_called_providers(graph))
        resources: RunResources | None = None
        recorder = EventRecorder(
            self._writer,
            schema=schema,
            claim=claim,
            node_types={node.id: node.type for node in graph.nodes},
            last_event_id=last_event_id,
            secrets=lambda: resources.secrets if resources is not None else set(),
        )
        resources = RunResources(
            self._database,
            schema=schema,
            tenant_id=claim.tenant_id,
            keyring=self._keyrings.current(),
            recorder=recorder,
            providers=providers,
            tool_access=ToolAccess(
                workspace=tenant_workspace(self._settings.data_dir, claim.tenant_id), allowed_hosts=self._tool_hosts
            ),
        )
        hide(resources.secrets)
        recorder.start()
        run = asyncio.create_task(self._run(graph, inputs, resources, recorder, lease, reuse))
        interrupted = asyncio.create_task(_first_of(lease.lost, recorder.lost, lease.hand_back))
        await asyncio.wait({run, interrupted}, return_when=asyncio.FIRST_COMPLETED)
        if not run.done():
            run.cancel()
            await asyncio.gather(run, return_exceptions=True)
            if not (lease.lost.is_set() or recorder.lost.is_set()):
                await self._hand_back(claim, schema, recorder)
                return
            logger.warning("lost the lease of execution %s; another worker takes it over", claim.execution_id)
            recorder.abandon()
            return
        interrupted.cancel()
        try:
            await recorder.finish(run.result())
        except LeaseLost:
            logger.warning("execution %s was taken over before it could be settled here", claim.execution_id)

    async def _hand_back(self, claim: Claim, schema: str, recorder: EventRecorder) -> None:
        """This process is stopping: write what the run reported (whoever resumes it reuses the nodes that
        finished), then queue the execution again for another worker, this claim not counted."""
        try:
            await recorder.save()
            async with self._database.session(schema) as session:
                await hand_back(session, claim)
                event = await settle_without_worker(
                    session,
                    tenant_id=claim.tenant_id,
                    execution_id=claim.execution_id,
                    status="queued",
                    reason=_HANDED_BACK,
                    event="run_requeued",
                )
                await session.commit()
        except LeaseLost:
            logger.warning("execution %s was taken over before it could be handed back", claim.execution_id)
            return
        logger.info("handed execution %s back to the queue", claim.execution_id)
        if event is not None:
            try:
                await self._bus.publish(claim.execution_id, [event])
            except BusUnavailable:
                logger.warning("the event bus is unreachable; followers of %s read the log", claim.execution_id)

    async def _run(
        self,
        graph: Graph,
        inputs: dict[str, Any],
        resources: RunResources,
        recorder: EventRecorder,
        lease: Lease,
        reuse: dict[str, NodeOutcome],
    ) -> RunOutcome:
        try:
            return await run_flow(
                graph,
                inputs,
                services=resources.services(),
                emit=recorder.emit,
                cancelled=lease.cancel_requested,
                reuse=reuse,
                concurrency=self._settings.node_concurrency,
            )
        except Exception as exc:
            # A bug or a graph that no longer validates: the run fails with the reason, never hangs.
            logger.exception("execution %s crashed", recorder.execution_id)
            error = f"the run stopped unexpectedly: {type(exc).__name__}: {exc}"
            await recorder.emit(RunFailed(error=error, usage=Usage()))
            return RunOutcome(status="failed", nodes={}, error=error)


def _called_providers(graph: Graph) -> list[uuid.UUID]:
    """The providers the graph's ``llm`` nodes name; a malformed id is left to the node to report."""
    found: set[uuid.UUID] = set()
    for node in graph.nodes:
        if node.type == "llm":
            with contextlib.suppress(TypeError, ValueError):
                found.add(uuid.UUID(str(node.config.get("provider_id"))))
    return list(found)


async def _first_of(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def settle_without_worker(
    session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, status: str, reason: str, event: str
) -> StoredEvent | None:
    """Write a state change of an execution nobody runs (requeued, abandoned, cancelled while queued),
    with its event, in the caller's transaction. None when the tenant or the execution is gone."""
    repository = ExecutionRepository(session, schema=tenant_schema_name(tenant_id))
    event_id = await repository.next_event_id(execution_id)
    if event_id is None:
        return None
    now = utcnow()
    values: dict[str, Any] = {"status": status}
    if status in SETTLED:
        values.update(finished_at=now, error=reason if status == "failed" else None)
        await repository.mark_unsettled_node_runs(execution_id, "failed" if status == "failed" else status, reason, now)
        settled = await repository.settle_execution(execution_id, values)
        if settled is not None:
            execution_ended(*settled)
    else:
        await repository.update_execution(execution_id, values)
    stored = StoredEvent(id=event_id, type=event, node_id=None, data=_event_data(event, reason), at=now)
    await repository.add_events(execution_id, [stored])
    return stored


def _event_data(event: str, reason: str) -> dict[str, Any]:
    if event == "run_failed":
        return {"error": reason, "usage": {"tokens_in": 0, "tokens_out": 0, "cost": None}, "failed_nodes": []}
    if event == "run_cancelled":
        return {"usage": {"tokens_in": 0, "tokens_out": 0, "cost": None}}
    return {"reason": reason}


class ExecutionSettling:
    """What the reaper does to the tenant's rows when a lease expires."""

    async def requeued(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, reason: str
    ) -> None:
        await settle_without_worker(
            session,
            tenant_id=tenant_id,
            execution_id=execution_id,
            status="queued",
            reason=reason,
            event="run_requeued",
        )

    async def abandoned(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, reason: str
    ) -> None:
        await settle_without_worker(
            session, tenant_id=tenant_id, execution_id=execution_id, status="failed", reason=reason, event="run_failed"
        )


def build_runner(database: Database, settings: Settings, bus: EventBus | None = None) -> ExecutionRunner:
    """The runner of a worker process; the API process running executions itself passes the bus its
    followers read, which matters for the in-memory bus."""
    return ExecutionWorker(database, settings, bus or create_bus(settings))


def build_hooks(settings: Settings) -> ExecutionHooks:
    return ExecutionSettling()
