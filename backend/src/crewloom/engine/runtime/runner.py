"""The run of one flow version: nodes start as soon as every node before them is settled, independent
branches run side by side, and every step is reported as an event.

On a failure under the ``stop`` policy, and on cancellation, running nodes are cancelled and nodes
that never started are marked ``cancelled`` too: they were not judged unnecessary, as ``skipped``
nodes are, but cut short. Under ``continue``, the dependents of a failed node are ``skipped``.
Input nodes always run again, so reused outcomes only ever see the inputs of the new run."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from crewloom.engine.graph import Edge, Graph, Node
from crewloom.engine.nodes import BRANCH_HANDLES, NodeConfig
from crewloom.engine.runtime.context import InputsInvalid, NodeError, coerce_inputs
from crewloom.engine.runtime.events import (
    NodeCancelled,
    NodeFailed,
    NodeSkipped,
    NodeStarted,
    NodeSucceeded,
    RunCancelled,
    RunEvent,
    RunFailed,
    RunStarted,
    RunSucceeded,
    Usage,
)
from crewloom.engine.runtime.handlers import HANDLERS, NodeCall, render_templates
from crewloom.engine.runtime.results import NodeOutcome, RunOutcome
from crewloom.engine.runtime.services import NodeReporter, RunServices
from crewloom.engine.runtime.upstream import Ancestry, UpstreamOutputs
from crewloom.engine.topology import Topology
from crewloom.engine.validation import parse_config
from crewloom.observability.context import bind
from crewloom.observability.tracing import node_span, record_node_outcome

Emit = Callable[[RunEvent], Awaitable[None]]
# How often a running flow looks at its cancellation flag while its nodes work.
_POLL_SECONDS = 0.05
_SETTLED_BADLY = ("failed", "cancelled")


class _Skip:
    def __init__(self, reason: str) -> None:
        self.reason = reason


_START = object()


class _Run:
    def __init__(
        self,
        graph: Graph,
        configs: dict[str, NodeConfig],
        *,
        services: RunServices,
        emit: Emit,
        cancelled: Callable[[], bool] | asyncio.Event,
        reuse: Mapping[str, NodeOutcome],
        concurrency: int,
    ) -> None:
        self.graph = graph
        self.configs = configs
        self.services = services
        self.emit = emit
        self.cancelled = cancelled
        self.nodes = {node.id: node for node in graph.nodes}
        self.incoming: dict[str, list[Edge]] = {node_id: [] for node_id in self.nodes}
        for edge in graph.edges:
            if edge.source in self.nodes and edge.target in self.nodes:
                self.incoming[edge.target].append(edge)
        self.topology = Topology(
            list(self.nodes), [(edge.source, edge.target) for edges in self.incoming.values() for edge in edges]
        )
        self.ancestry = Ancestry(self.topology)
        # A node is decided once its last predecessor settles, so deciding costs nothing per waiting node.
        self.children: dict[str, set[str]] = {node_id: set() for node_id in self.nodes}
        for node_id, edges in self.incoming.items():
            for edge in edges:
                self.children[edge.source].add(node_id)
        self.unsettled_parents = {
            node_id: len({edge.source for edge in self.incoming[node_id]}) for node_id in self.nodes
        }
        self.ready = deque(node_id for node_id, count in self.unsettled_parents.items() if count == 0)
        self.reuse = {
            node_id: outcome
            for node_id, outcome in reuse.items()
            if outcome.status == "succeeded" and node_id in self.nodes and self.nodes[node_id].type != "input"
        }
        self.semaphore = asyncio.Semaphore(max(1, concurrency))
        self.outcomes: dict[str, NodeOutcome] = {}
        self.running: dict[asyncio.Task[NodeOutcome], str] = {}
        self.spent = Usage()
        self.inputs: dict[str, Any] = {}

    def is_cancelled(self) -> bool:
        if isinstance(self.cancelled, asyncio.Event):
            return self.cancelled.is_set()
        return self.cancelled()

    async def settle(self, node_id: str, outcome: NodeOutcome, event: RunEvent | None = None) -> None:
        if node_id not in self.outcomes:
            for child in self.children[node_id]:
                self.unsettled_parents[child] -= 1
                if self.unsettled_parents[child] == 0:
                    self.ready.append(child)
        self.outcomes[node_id] = outcome
        if event is not None:
            await self.emit(event)

    def decide(self, node_id: str) -> object | None:
        """Start the node, skip it (a _Skip), or None while a node before it is unsettled."""
        edges = self.incoming[node_id]
        if any(edge.source not in self.outcomes for edge in edges):
            return None
        failed = [edge.source for edge in edges if self.outcomes[edge.source].status in _SETTLED_BADLY]
        if failed:
            return _Skip(f"the upstream node {failed[0]!r} did not succeed")
        if edges and not any(self.taken(edge) for edge in edges):
            return _Skip("no taken path leads here")
        return _START

    def taken(self, edge: Edge) -> bool:
        source = self.outcomes[edge.source]
        if source.status != "succeeded":
            return False
        if self.nodes[edge.source].type != "condition":
            return True
        return edge.source_handle == BRANCH_HANDLES[0 if source.output else 1]

    def context(self, node_id: str) -> dict[str, Any]:
        return {"inputs": self.inputs, "nodes": UpstreamOutputs(node_id, self.ancestry, self.outcomes)}

    async def start(self, node_id: str) -> None:
        reused = self.reuse.get(node_id)
        if reused is not None:
            event = NodeSucceeded(
                node_id=node_id,
                output=reused.output,
                usage=reused.usage,
                attempt=reused.attempts,
                details=reused.details,
                reused=True,
            )
            await self.settle(node_id, reused, event)
            return
        task = asyncio.create_task(self.run_node(self.nodes[node_id]), name=f"node:{node_id}")
        self.running[task] = node_id

    async def run_node(self, node: Node) -> NodeOutcome:
        with node_span(node.id, node.type) as span:
            outcome = await self.attempt_node(node)
            record_node_outcome(span, status=outcome.status, attempts=outcome.attempts)
        return outcome

    async def attempt_node(self, node: Node) -> NodeOutcome:
        # Each node runs in a task of its own: what it logs names it, and no other node.
        bind(node_id=node.id)
        attempts = node.retry.attempts if node.retry else 1
        backoff = node.retry.backoff_seconds if node.retry else 0.0
        error = ""
        for attempt in range(1, attempts + 1):
            async with self.semaphore:
                context = self.context(node.id)
                try:
                    rendered = render_templates(self.configs[node.id], context)
                except NodeError as exc:
                    await self.emit(NodeStarted(node_id=node.id, attempt=attempt))
                    await self.emit(NodeFailed(node_id=node.id, error=exc.message, attempt=attempt, will_retry=False))
                    return NodeOutcome(status="failed", error=exc.message, attempts=attempt)
                shown: dict[str, Any] = dict(self.inputs) if node.type == "input" else dict(rendered)
                await self.emit(NodeStarted(node_id=node.id, attempt=attempt, inputs=shown))
                call = NodeCall(
                    config=self.configs[node.id],
                    context=context,
                    rendered=rendered,
                    services=self.services,
                    reporter=NodeReporter(node.id, self.emit),
                )
                retryable = True
                try:
                    async with asyncio.timeout(node.timeout_seconds) as deadline:
                        result = await HANDLERS[node.type](call)
                except NodeError as exc:
                    error, retryable = exc.message, exc.retryable
                except TimeoutError as exc:
                    expired = deadline.expired()
                    error = f"timed out after {node.timeout_seconds} s" if expired else f"TimeoutError: {exc}"
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                else:
                    self.spent += result.usage
                    await self.emit(
                        NodeSucceeded(
                            node_id=node.id,
                            output=result.output,
                            usage=result.usage,
                            attempt=attempt,
                            details=result.details,
                        )
                    )
                    return NodeOutcome(
                        status="succeeded",
                        output=result.output,
                        usage=result.usage,
                        attempts=attempt,
                        details=result.details,
                    )
            will_retry = retryable and attempt < attempts
            await self.emit(NodeFailed(node_id=node.id, error=error, attempt=attempt, will_retry=will_retry))
            if not will_retry:
                return NodeOutcome(status="failed", error=error, attempts=attempt)
            await asyncio.sleep(backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable: the last attempt returns")

    async def advance(self, pending: dict[str, None]) -> None:
        """Settle and start every pending node whose predecessors are settled, until none is left to decide."""
        while self.ready:
            node_id = self.ready.popleft()
            if node_id not in pending:
                continue
            decision = self.decide(node_id)
            if decision is None:
                continue
            del pending[node_id]
            if isinstance(decision, _Skip):
                outcome = NodeOutcome(status="skipped")
                await self.settle(node_id, outcome, NodeSkipped(node_id=node_id, reason=decision.reason))
            else:
                await self.start(node_id)

    async def halt(self, pending: dict[str, None]) -> None:
        """Cancel the running nodes and mark the unstarted ones cancelled."""
        tasks = list(self.running)
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for task, result in zip(tasks, results, strict=True):
            node_id = self.running.pop(task)
            if isinstance(result, NodeOutcome):
                await self.settle(node_id, result)
            else:
                await self.settle(node_id, NodeOutcome(status="cancelled"), NodeCancelled(node_id=node_id))
        for node_id in pending:
            await self.settle(node_id, NodeOutcome(status="cancelled"), NodeCancelled(node_id=node_id))
        pending.clear()

    async def execute(self) -> bool:
        """Run every node; True if the run was cancelled."""
        pending = dict.fromkeys(self.nodes)
        while True:
            if self.is_cancelled():
                await self.halt(pending)
                return True
            await self.advance(pending)
            if not self.running:
                return False
            done, _ = await asyncio.wait(self.running, timeout=_POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            stop = False
            for task in done:
                outcome = task.result()
                await self.settle(self.running.pop(task), outcome)
                stop = stop or (outcome.status == "failed" and self.graph.settings.failure_policy == "stop")
            if stop:
                await self.halt(pending)
                return False

    async def run(self) -> RunOutcome:
        await self.emit(RunStarted(inputs=self.inputs))
        try:
            was_cancelled = await self.execute()
        except asyncio.CancelledError:
            for task in self.running:
                task.cancel()
            raise
        if was_cancelled:
            await self.emit(RunCancelled(usage=self.spent))
            return RunOutcome(status="cancelled", nodes=self.outcomes, usage=self.spent)
        failed = [node_id for node_id, outcome in self.outcomes.items() if outcome.status == "failed"]
        if failed:
            first = self.outcomes[failed[0]]
            error = f"node {failed[0]!r} failed: {first.error}"
            await self.emit(RunFailed(error=error, usage=self.spent, failed_nodes=failed))
            return RunOutcome(status="failed", nodes=self.outcomes, usage=self.spent, error=error)
        outputs = {
            node_id: outcome.output
            for node_id, outcome in self.outcomes.items()
            if outcome.status == "succeeded" and self.nodes[node_id].type == "output"
        }
        await self.emit(RunSucceeded(outputs=outputs, usage=self.spent))
        return RunOutcome(status="succeeded", nodes=self.outcomes, outputs=outputs, usage=self.spent)


def _configs(graph: Graph) -> dict[str, NodeConfig]:
    configs: dict[str, NodeConfig] = {}
    for node in graph.nodes:
        config = parse_config(node)
        if config is None:
            raise ValueError(f"node {node.id!r} has an unknown type or an invalid config: validate the graph first")
        configs[node.id] = config
    return configs


async def run_flow(
    graph: Graph,
    inputs: Mapping[str, Any],
    *,
    services: RunServices,
    emit: Emit,
    cancelled: Callable[[], bool] | asyncio.Event,
    reuse: Mapping[str, NodeOutcome] | None = None,
    concurrency: int = 4,
) -> RunOutcome:
    """Run a validated graph with ``inputs``. Inputs that do not fit the input node's fields fail the
    run before any node starts; raises ValueError for a graph that was not validated."""
    run = _Run(
        graph,
        _configs(graph),
        services=services,
        emit=emit,
        cancelled=cancelled,
        reuse=reuse or {},
        concurrency=concurrency,
    )
    try:
        run.inputs = coerce_inputs(graph, inputs)
    except InputsInvalid as exc:
        error = f"the inputs are not valid: {exc}"
        await emit(RunFailed(error=error, usage=Usage(), input_problems=exc.problems))
        return RunOutcome(status="failed", nodes={}, error=error, input_problems=exc.problems)
    return await run.run()
