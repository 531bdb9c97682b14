"""What a running execution reports, buffered for the process's ``EventWriter``: events, node runs, model
usage and the execution's own row. Secrets are taken out here, before anything is written or sent."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func

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
from crewloom.events import StoredEvent, redact, to_record
from crewloom.events.record import json_safe
from crewloom.executions.repository import Progress, node_run_row
from crewloom.models import Execution, LlmUsage
from crewloom.models.base import utcnow
from crewloom.observability.metrics import llm_usage_recorded, node_ended
from crewloom.queue import Claim

if TYPE_CHECKING:
    from crewloom.executions.writer import EventWriter

logger = logging.getLogger(__name__)

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


@dataclass
class PendingWrite:
    """What one recorder hands the writer for one transaction; given back whole when that transaction fails."""

    recorder: EventRecorder
    events: list[StoredEvent]
    usage: list[LlmUsage]
    changed: set[str]
    node_runs: list[dict[str, Any]]
    started: bool
    progress: Progress | None
    # The execution's final values, when this write settles it.
    settlement: dict[str, Any] | None


class EventRecorder:
    """The ``emit`` of one run. ``emit`` only buffers, so nodes never wait on the database: the process's
    ``EventWriter`` writes what every recorder buffered, and ``finish`` has the rest written with the final state."""

    def __init__(
        self,
        writer: EventWriter,
        *,
        schema: str,
        claim: Claim,
        node_types: dict[str, str],
        last_event_id: int,
        secrets: Callable[[], set[str]],
    ) -> None:
        self._writer = writer
        self.schema = schema
        self.claim = claim
        self._node_types = node_types
        self._next_id = last_event_id + 1
        self._secrets = secrets
        self._events: list[StoredEvent] = []
        self._usage: list[LlmUsage] = []
        self._nodes: dict[str, NodeRunState] = {}
        self._changed: set[str] = set()
        self._started = False
        # Set when a write found the lease gone: another worker owns the execution now.
        self.lost = asyncio.Event()

    @property
    def execution_id(self) -> uuid.UUID:
        return self.claim.execution_id

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
        self._writer.mark(self)

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
        llm_usage_recorded(self.claim.tenant_id, usage)
        self._writer.mark(self)

    def take(self, outcome: RunOutcome | None) -> PendingWrite | None:
        """Everything buffered since the last write, as the writer writes it; None when there is nothing."""
        events, held = self._events, []
        if outcome is None:
            # The run's last event goes out with its final state only: a follower that sees it and then
            # reads the execution must find it settled.
            last = next((index for index, event in enumerate(events) if event.type in TERMINAL_TYPES), None)
            if last is not None:
                events, held = events[:last], events[last:]
        if not (events or self._usage or self._changed or outcome):
            return None
        pending = PendingWrite(
            recorder=self,
            events=events,
            usage=self._usage,
            changed=self._changed,
            node_runs=[node_run_row(self.execution_id, node_id, self._nodes[node_id]) for node_id in self._changed],
            started=self._started,
            progress=self._progress(events) if outcome is None else None,
            settlement=self._settlement(events, outcome) if outcome is not None else None,
        )
        self._events, self._usage, self._changed, self._started = held, [], set(), False
        return pending

    def give_back(self, pending: PendingWrite) -> None:
        """Nothing of ``pending`` was written: it goes back in front of what arrived meanwhile."""
        self._events = pending.events + self._events
        self._usage = pending.usage + self._usage
        self._changed |= pending.changed
        self._started = self._started or pending.started

    def _started_values(self, events: list[StoredEvent]) -> dict[str, Any]:
        if not self._started:
            return {}
        values: dict[str, Any] = {"status": "running", "attempts": self.claim.claims}
        if self.claim.claims == 1:
            values["started_at"] = events[0].at if events else utcnow()
        return values

    def _progress(self, events: list[StoredEvent]) -> Progress | None:
        started = self._started_values(events)
        if not (events or started):
            return None
        return Progress(
            row_id=self.execution_id,
            last_event_id=events[-1].id if events else None,
            status=started.get("status"),
            attempts=started.get("attempts"),
            started_at=started.get("started_at"),
        )

    def _settlement(self, events: list[StoredEvent], outcome: RunOutcome) -> dict[str, Any]:
        values = self._started_values(events)
        if "started_at" in values:
            values["started_at"] = func.coalesce(Execution.started_at, values["started_at"])
        if events:
            values["last_event_id"] = events[-1].id
        return values | {
            "status": outcome.status,
            "outputs": self._redacted(json_safe(outcome.outputs)),
            "error": self._redacted(json_safe(outcome.error)),
            "tokens_in": outcome.usage.tokens_in,
            "tokens_out": outcome.usage.tokens_out,
            "cost": outcome.usage.cost,
            # When the run ended, as its last event says; not when the writer got to it.
            "finished_at": next((event.at for event in reversed(events) if event.type in TERMINAL_TYPES), utcnow()),
        }

    def start(self) -> None:
        self._writer.join(self)

    async def finish(self, outcome: RunOutcome) -> None:
        """Write everything left with the final state and give the lease back, in one transaction; the writer tells
        the bus the run ended as it publishes."""
        try:
            await self._writer.flush(self, outcome)
        finally:
            self._writer.leave(self)

    async def save(self) -> None:
        """Write everything reported so far and stop, the run unsettled: it goes back to the queue."""
        try:
            await self._writer.flush(self)
        finally:
            self._writer.leave(self)

    def abandon(self) -> None:
        """Stop writing: the lease is gone, and so is the right to write."""
        self._writer.leave(self)
