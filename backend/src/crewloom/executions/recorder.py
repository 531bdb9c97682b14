"""Writes what a running execution reports: events, node runs, model usage and the execution's own
row, in batched transactions that each start by checking the lease's fencing token, then publishes
the committed events on the bus. PostgreSQL is written first, so the bus never shows an event the log
does not hold."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.db.engine import Database
from crewloom.engine.runtime import (
    TERMINAL_TYPES,
    NodeCancelled,
    NodeFailed,
    NodeSkipped,
    NodeStarted,
    NodeSucceeded,
    NodeToken,
    RunEvent,
    RunOutcome,
    RunStarted,
)
from crewloom.events import BusUnavailable, EventBus, StoredEvent, redact, to_record
from crewloom.events.record import json_safe
from crewloom.executions.repository import ExecutionRepository, SettledExecution
from crewloom.models import Execution, LlmUsage
from crewloom.models.base import utcnow
from crewloom.observability.metrics import execution_ended, llm_usage_recorded, node_ended
from crewloom.queue import Claim, LeaseLost, fence, release

logger = logging.getLogger(__name__)

# A writer that lost its lease has nothing more to write; its flush in flight gets this long to end.
_ABANDON_WAIT_SECONDS = 2.0
_NODE_ENDINGS = (NodeSucceeded, NodeFailed, NodeCancelled)


@dataclass
class NodeRunState:
    """A node run as it stands; written whenever it changed since the last flush."""

    node_type: str
    status: str = "running"
    inputs: dict[str, Any] = field(default_factory=dict)
    output: Any = None
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    attempts: int = 0
    reused: bool = False
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def apply(self, event: RunEvent, data: dict[str, Any], now: datetime) -> None:
        """``data`` is the event as recorded (JSON-safe, secrets taken out): what is stored comes from it, so
        a node run never holds what its event may not."""
        if isinstance(event, NodeStarted):
            self.status, self.attempts, self.inputs, self.error = "running", event.attempt, data["inputs"], None
            self.started_at = self.started_at or now
        elif isinstance(event, NodeSucceeded):
            self.status, self.output, self.details, self.reused = (
                "succeeded",
                data["output"],
                data["details"],
                event.reused,
            )
            self.attempts = event.attempt
            self.tokens_in, self.tokens_out, self.cost = event.usage.tokens_in, event.usage.tokens_out, event.usage.cost
            self.started_at, self.finished_at = self.started_at or now, now
        elif isinstance(event, NodeFailed):
            self.error, self.attempts = data["error"], event.attempt
            if not event.will_retry:
                self.status, self.finished_at = "failed", now
        elif isinstance(event, NodeSkipped):
            self.status, self.error, self.finished_at = "skipped", data["reason"], now
        elif isinstance(event, NodeCancelled):
            self.status, self.finished_at = "cancelled", now

    def ran_seconds(self) -> float | None:
        """How long the node ran here, once it ended; None while it runs or waits to retry, and for a node
        reused from an earlier run or cancelled before it started."""
        if self.reused or self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class EventRecorder:
    """The ``emit`` of one run. ``emit`` only buffers, so nodes never wait on the database; a flusher
    writes the buffer every ``flush_seconds`` and ``finish`` writes the rest with the final state."""

    def __init__(
        self,
        database: Database,
        *,
        schema: str,
        claim: Claim,
        bus: EventBus,
        node_types: dict[str, str],
        last_event_id: int,
        secrets: Callable[[], set[str]],
        flush_seconds: float = 0.05,
    ) -> None:
        self._database = database
        self._schema = schema
        self._claim = claim
        self._bus = bus
        self._node_types = node_types
        self._next_id = last_event_id + 1
        self._secrets = secrets
        self._flush_seconds = flush_seconds
        self._events: list[StoredEvent] = []
        self._usage: list[LlmUsage] = []
        self._nodes: dict[str, NodeRunState] = {}
        self._changed: set[str] = set()
        self._started = False
        self._wake = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._closing = False
        self._closed = asyncio.Event()
        self._lock = asyncio.Lock()
        # Set when a flush found the lease gone: another worker owns the execution now.
        self.lost = asyncio.Event()

    @property
    def execution_id(self) -> uuid.UUID:
        return self._claim.execution_id

    def seed(self, node_id: str, state: NodeRunState) -> None:
        """A node run already written by an earlier claim of this execution."""
        self._nodes[node_id] = state

    def _redacted(self, value: Any) -> Any:
        """JSON-safe ``value`` without the run's secrets, as it may be stored and shown."""
        secrets = self._secrets()
        return redact(value, secrets) if secrets else value

    async def emit(self, event: RunEvent) -> None:
        now = utcnow()
        kind, node_id, data = to_record(event)
        data = self._redacted(data)
        if isinstance(event, NodeToken) and self._merge_token(node_id, data):
            return
        self._events.append(StoredEvent(id=self._next_id, type=kind, node_id=node_id, data=data, at=now))
        self._next_id += 1
        if isinstance(event, RunStarted):
            self._started = True
        if node_id is not None and not isinstance(event, NodeToken):
            state = self._nodes.get(node_id)
            if state is None:
                state = self._nodes[node_id] = NodeRunState(node_type=self._node_types.get(node_id, ""))
            state.apply(event, data, now)
            self._changed.add(node_id)
            if isinstance(event, _NODE_ENDINGS) and (seconds := state.ran_seconds()) is not None:
                node_ended(state.node_type, state.status, seconds)
                logger.debug("node %s %s after %.0f ms", node_id, state.status, seconds * 1000)
        self._wake.set()

    def _merge_token(self, node_id: str | None, data: dict[str, Any]) -> bool:
        """Tokens of one node that arrive between two flushes travel as one event."""
        if not self._events:
            return False
        last = self._events[-1]
        if last.type != "node_token" or last.node_id != node_id:
            return False
        self._events[-1] = StoredEvent(
            id=last.id, type=last.type, node_id=node_id, data={"text": last.data["text"] + data["text"]}, at=last.at
        )
        return True

    def add_usage(self, usage: LlmUsage) -> None:
        usage.execution_id = self.execution_id
        self._usage.append(usage)
        llm_usage_recorded(self._claim.tenant_id, usage)
        self._wake.set()

    def start(self) -> None:
        self._flusher = asyncio.create_task(self._flush_loop(), name=f"recorder:{self.execution_id}")

    async def _flush_loop(self) -> None:
        while True:
            await self._wake.wait()
            if self._closing:
                return
            self._wake.clear()
            started = time.perf_counter()
            try:
                await self.flush()
            except LeaseLost:
                self.lost.set()
                return
            except Exception:
                # The database is unreachable for a moment: keep the buffer and try again; the lease
                # runs out if it stays away, and the reaper hands the execution on.
                logger.exception("writing the events of execution %s failed; retrying", self.execution_id)
                self._wake.set()
                await asyncio.sleep(0.5)
                continue
            # The pause gathers what comes next into one transaction; the end of the run cuts it short.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, self._flush_seconds - (time.perf_counter() - started))):
                    await self._closed.wait()

    async def flush(self, outcome: RunOutcome | None = None) -> None:
        async with self._lock:
            events, usage, changed = self._events, self._usage, self._changed
            held: list[StoredEvent] = []
            if outcome is None:
                # The run's last event goes out with its final state only: a follower that sees it and then
                # reads the execution must find it settled.
                last = next((index for index, event in enumerate(events) if event.type in TERMINAL_TYPES), None)
                if last is not None:
                    events, held = events[:last], events[last:]
            if not (events or usage or changed or outcome):
                return
            self._events, self._usage, self._changed = held, [], set()
            committed = False
            try:
                async with self._database.session(self._schema) as session:
                    settled = await self._write(session, events, usage, changed, outcome)
                    await session.commit()
                    committed = True
            except BaseException:
                if not committed:
                    # Nothing was written: put it back in front of what arrived meanwhile.
                    self._events = events + self._events
                    self._usage = usage + self._usage
                    self._changed |= changed
                raise
            if settled is not None:
                execution_ended(*settled)
                logger.info("execution %s %s", self.execution_id, settled.status)
        if events:
            try:
                await self._bus.publish(self.execution_id, events)
            except BusUnavailable:
                # Followers read the log from PostgreSQL while the bus is away.
                logger.warning("the event bus is unreachable; followers of %s fall back to the log", self.execution_id)

    async def _write(
        self,
        session: AsyncSession,
        events: list[StoredEvent],
        usage: list[LlmUsage],
        changed: set[str],
        outcome: RunOutcome | None,
    ) -> SettledExecution | None:
        await fence(session, self._claim)
        repository = ExecutionRepository(session)
        await repository.add_events(self.execution_id, events)
        await repository.upsert_node_runs(self.execution_id, {node_id: self._nodes[node_id] for node_id in changed})
        session.add_all(usage)
        values: dict[str, Any] = {}
        if events:
            values["last_event_id"] = events[-1].id
        if self._started:
            values["status"] = "running"
            values["attempts"] = self._claim.claims
            if self._claim.claims == 1:
                # Kept when a run handed back by a stopping worker resumes: it started at its first claim.
                values["started_at"] = func.coalesce(Execution.started_at, events[0].at if events else utcnow())
            self._started = False
        if outcome is not None:
            values.update(
                status=outcome.status,
                outputs=self._redacted(json_safe(outcome.outputs)),
                error=self._redacted(json_safe(outcome.error)),
                tokens_in=outcome.usage.tokens_in,
                tokens_out=outcome.usage.tokens_out,
                cost=outcome.usage.cost,
                finished_at=utcnow(),
            )
            await release(session, self._claim)
            return await repository.settle_execution(self.execution_id, values)
        if values:
            await repository.update_execution(self.execution_id, values)
        return None

    async def finish(self, outcome: RunOutcome) -> None:
        """Write everything left with the final state and give the lease back, in one transaction."""
        await self._stop_flusher()
        await self.flush(outcome)
        try:
            await self._bus.finish(self.execution_id)
        except BusUnavailable:
            logger.warning("the event bus is unreachable; the stream of %s expires later", self.execution_id)

    async def save(self) -> None:
        """Write everything reported so far and stop, the run unsettled: it goes back to the queue."""
        await self._stop_flusher(wait_seconds=_ABANDON_WAIT_SECONDS)
        await self.flush()

    async def abandon(self) -> None:
        """Stop writing: the lease is gone, and so is the right to write."""
        await self._stop_flusher(wait_seconds=_ABANDON_WAIT_SECONDS)

    async def _stop_flusher(self, wait_seconds: float | None = None) -> None:
        """The flusher ends its flush in flight, then stops by itself. Cancelling it instead could land in
        the middle of a commit (its events written, yet kept to be written again), and a driver that
        swallows the cancellation would leave it waiting forever."""
        if self._flusher is None:
            return
        self._closing = True
        self._closed.set()
        self._wake.set()
        done, _ = await asyncio.wait({self._flusher}, timeout=wait_seconds)
        if not done:
            self._flusher.cancel()
