"""One writer per process for every execution running in it. What their recorders buffered goes to PostgreSQL
in one transaction per round, which starts by checking all their fencing tokens in one query, then to the bus
in one exchange. PostgreSQL is written first, so the bus never shows an event the log does not hold.

Each run writing on its own made a busy worker send hundreds of small transactions a second, and their round
trips, not the writing, delayed every event its followers waited for."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.db.engine import Database
from crewloom.engine.runtime import RunOutcome
from crewloom.events import BusUnavailable, EventBus
from crewloom.executions.recorder import EventRecorder, PendingWrite
from crewloom.executions.repository import ExecutionRepository, SettledExecution
from crewloom.observability.metrics import execution_ended
from crewloom.queue import LeaseLost, fence_many, release

logger = logging.getLogger(__name__)

# A round that failed (the database away for a moment) is tried again after this pause; the lease runs out
# if the database stays away, and the reaper hands the execution on.
_RETRY_SECONDS = 0.5


@dataclass
class _Request:
    """A flush someone waits for: ``finish`` with the run's outcome, or ``save``."""

    outcome: RunOutcome | None
    done: asyncio.Future[None]


class EventWriter:
    """Rounds follow each other at most every ``flush_seconds``, gathering what the runs report meanwhile; a
    flush someone waits for starts the next round at once."""

    def __init__(self, database: Database, bus: EventBus, *, flush_seconds: float = 0.025) -> None:
        self._database = database
        self.bus = bus
        self._flush_seconds = flush_seconds
        self._members: set[EventRecorder] = set()
        self._dirty: dict[EventRecorder, None] = {}
        self._requests: dict[EventRecorder, _Request] = {}
        self._wake = asyncio.Event()
        self._urgent = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def join(self, recorder: EventRecorder) -> None:
        self._members.add(recorder)

    def leave(self, recorder: EventRecorder) -> None:
        """The recorder writes nothing more; what it buffered and did not ask to be written is dropped."""
        self._members.discard(recorder)
        self._dirty.pop(recorder, None)
        request = self._requests.pop(recorder, None)
        if request is not None:
            request.done.cancel()
        if not self._members:
            self._wake.set()

    def mark(self, recorder: EventRecorder) -> None:
        """The recorder has something new for the next round."""
        if recorder in self._members:
            self._dirty[recorder] = None
            self._awaken(urgent=False)

    async def flush(self, recorder: EventRecorder, outcome: RunOutcome | None = None) -> None:
        """Has everything the recorder buffered written, with ``outcome`` settling the execution, in the next
        round, which starts at once. Raises LeaseLost when the lease moved on, or what the database raised."""
        request = _Request(outcome, asyncio.get_running_loop().create_future())
        self._requests[recorder] = request
        self._awaken(urgent=True)
        await request.done

    def _awaken(self, *, urgent: bool) -> None:
        if self._task is None or self._task.done():
            # Made again with the task: a process may run executions on more than one event loop over time.
            self._wake, self._urgent = asyncio.Event(), asyncio.Event()
            self._task = asyncio.create_task(self._write_forever(), name="event-writer")
        self._wake.set()
        if urgent:
            self._urgent.set()

    async def _write_forever(self) -> None:
        wake, urgent = self._wake, self._urgent
        while True:
            if not wake.is_set():
                await wake.wait()
                # Woken from idle: gather what the runs report in the next moment as well, unless someone waits.
                # A short run is then written once, at its end, rather than once as it starts and again at its end.
                await self._pause(self._flush_seconds)
            wake.clear()
            urgent.clear()
            began = time.perf_counter()
            await self._round()
            if not (self._members or self._dirty or self._requests):
                return
            await self._pause(self._flush_seconds - (time.perf_counter() - began))

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``, or until a flush someone waits for is asked."""
        if seconds > 0 and not self._urgent.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._urgent.wait()

    async def _round(self) -> None:
        requests, self._requests = self._requests, {}
        dirty, self._dirty = self._dirty, {}
        pending = [
            taken
            for recorder in dirty | dict.fromkeys(requests)
            if (taken := recorder.take(requests[recorder].outcome if recorder in requests else None)) is not None
        ]
        errors: dict[EventRecorder, Exception] = {}
        if pending:
            error = await self._write(pending)
            if error is not None and len(pending) > 1:
                # One run's rows may be what the database refuses: each alone, so that the others go through.
                for one in pending:
                    request = requests.get(one.recorder)
                    again = one.recorder.take(request.outcome if request is not None else None)
                    if again is not None and (alone := await self._write([again])) is not None:
                        errors[one.recorder] = alone
            elif error is not None:
                errors[pending[0].recorder] = error
        for recorder, request in requests.items():
            if request.done.done():
                continue
            if recorder.lost.is_set():
                request.done.set_exception(LeaseLost(recorder.claim))
            elif recorder in errors:
                request.done.set_exception(errors[recorder])
            else:
                request.done.set_result(None)
        retry = [recorder for recorder in errors if recorder not in requests]
        if retry:
            logger.error(
                "writing the events of %d execution(s) failed; retrying", len(retry), exc_info=errors[retry[0]]
            )
            await asyncio.sleep(_RETRY_SECONDS)
            for recorder in retry:
                self.mark(recorder)

    async def _write(self, pending: list[PendingWrite]) -> Exception | None:
        """One transaction for ``pending``; what it could not write is given back to its recorders."""
        try:
            async with self._database.session() as session:
                held = await fence_many(session, [one.recorder.claim for one in pending])
                written = [one for one in pending if one.recorder.execution_id in held]
                settled = await _write_rows(session, written)
                await session.commit()
        except BaseException as exc:
            for one in pending:
                one.recorder.give_back(one)
            if not isinstance(exc, Exception):
                raise
            return exc
        for one in pending:
            if one.recorder.execution_id not in held:
                one.recorder.lost.set()
        for execution in settled:
            execution_ended(*execution)
        batches = {one.recorder.execution_id: one.events for one in written if one.events}
        # Their streams expire from the bus after its time, told in the same exchange.
        finished = {one.recorder.execution_id for one in written if one.settlement is not None}
        try:
            await self.bus.publish_many(batches, finished=finished)
        except BusUnavailable:
            # Followers read the log from PostgreSQL while the bus is away.
            logger.warning("the event bus is unreachable; followers of %d execution(s) read the log", len(batches))
        return None


async def _write_rows(session: AsyncSession, written: list[PendingWrite]) -> list[SettledExecution]:
    by_schema: dict[str, list[PendingWrite]] = defaultdict(list)
    for one in written:
        by_schema[one.recorder.schema].append(one)
    settled: list[SettledExecution] = []
    for schema, group in by_schema.items():
        repository = ExecutionRepository(session, schema=schema)
        await repository.add_event_batches({one.recorder.execution_id: one.events for one in group})
        await repository.upsert_node_runs([row for one in group for row in one.node_runs])
        await repository.add_usage([call for one in group for call in one.usage])
        await repository.record_progress([one.progress for one in group if one.progress is not None])
        for one in group:
            if one.settlement is None:
                continue
            await release(session, one.recorder.claim)
            execution = await repository.settle_execution(one.recorder.execution_id, one.settlement)
            if execution is not None:
                logger.info("execution %s %s", one.recorder.execution_id, execution.status)
                settled.append(execution)
    return settled
