"""The lease a worker holds on a running execution, renewed by heartbeats while the run goes on."""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import timedelta
from types import TracebackType

from sqlalchemy import Table, func, tuple_, update

from crewloom.db.engine import Database
from crewloom.models.execution_queue import QueuedExecution
from crewloom.queue.store import RUNNING, Claim

logger = logging.getLogger(__name__)

_queue: Table = QueuedExecution.__table__  # type: ignore[assignment]


class Lease:
    """Heartbeats ``claim`` every ``heartbeat_seconds``, pushing its expiry ``lease_seconds`` ahead.
    ``cancel_requested`` is set once someone asked the run to stop; ``lost`` once the lease moved on (the reaper
    gave the execution to another worker) or the execution left the queue; ``hand_back`` once this process is
    stopping and wants the run to save what it has and give the execution back (``store.hand_back``) rather than
    finish. A heartbeat that fails (database unreachable) is tried again at the next beat: if the lease ran out
    meanwhile, the next beat that gets through finds it lost.

    Every lease of the process with the same timings beats in one statement (see ``_Heartbeats``)."""

    def __init__(
        self,
        database: Database,
        claim: Claim,
        *,
        lease_seconds: float,
        heartbeat_seconds: float,
        hand_back: asyncio.Event | None = None,
    ) -> None:
        self.claim = claim
        self.cancel_requested = asyncio.Event()
        self.lost = asyncio.Event()
        # Shared by every run of the process, which sets it once when it stops.
        self.hand_back = hand_back if hand_back is not None else asyncio.Event()
        self._heartbeats = _Heartbeats.of(database, lease_seconds=lease_seconds, heartbeat_seconds=heartbeat_seconds)

    async def __aenter__(self) -> Lease:
        if self.claim.cancel_requested is None:
            # Nothing known of the claim: a first beat before the run starts, so a cancellation asked already
            # shows at once. A claim just made says so itself, which saves a transaction per run.
            await self._heartbeats.beat_safely([self])
        elif self.claim.cancel_requested:
            self.cancel_requested.set()
        if not self.lost.is_set():
            self._heartbeats.join(self)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._heartbeats.leave(self)

    def renewed(self, cancel_requested: bool | None) -> None:
        """What a beat found: None when the lease is no longer held."""
        if cancel_requested is None:
            self.lost.set()
        elif cancel_requested:
            self.cancel_requested.set()


class _Heartbeats:
    """The leases of one process (one database pool) with the same timings, renewed together every
    ``heartbeat_seconds`` in one statement: a worker running a dozen executions sends one heartbeat a beat, not a
    dozen transactions at once."""

    # Per database and timings; a database of its own per event loop, as the pool itself is.
    _groups: weakref.WeakKeyDictionary[Database, dict[tuple[float, float], _Heartbeats]] = weakref.WeakKeyDictionary()

    def __init__(self, database: Database, *, lease_seconds: float, heartbeat_seconds: float) -> None:
        self._database = database
        self._lease = timedelta(seconds=lease_seconds)
        self._interval = heartbeat_seconds
        # A beat that hangs longer than a lease is worthless: the lease ran out anyway.
        self._beat_timeout = max(lease_seconds, heartbeat_seconds)
        self._leases: dict[Lease, None] = {}
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def of(cls, database: Database, *, lease_seconds: float, heartbeat_seconds: float) -> _Heartbeats:
        groups = cls._groups.setdefault(database, {})
        key = (lease_seconds, heartbeat_seconds)
        if key not in groups:
            groups[key] = cls(database, lease_seconds=lease_seconds, heartbeat_seconds=heartbeat_seconds)
        return groups[key]

    def join(self, lease: Lease) -> None:
        self._leases[lease] = None
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._beat_forever(), name="lease heartbeats")

    def leave(self, lease: Lease) -> None:
        self._leases.pop(lease, None)
        if not self._leases and self._task is not None:
            self._task.cancel()
            self._task = None

    async def _beat_forever(self) -> None:
        while self._leases:
            await asyncio.sleep(self._interval)
            await self.beat_safely([lease for lease in self._leases if not lease.lost.is_set()])

    async def beat_safely(self, leases: list[Lease]) -> None:
        if not leases:
            return
        try:
            async with asyncio.timeout(self._beat_timeout):
                found = await self._beat(leases)
        except Exception:
            logger.warning("could not renew the leases of %d execution(s)", len(leases), exc_info=True)
            return
        for lease in leases:
            lease.renewed(found.get(lease.claim.execution_id))

    async def _beat(self, leases: list[Lease]) -> dict[object, bool]:
        """The leases still held, each with whether a cancellation was asked."""
        async with self._database.session() as session:
            renewed = await session.execute(
                update(_queue)
                .where(
                    tuple_(_queue.c.execution_id, _queue.c.lease_token).in_(
                        [(lease.claim.execution_id, lease.claim.lease_token) for lease in leases]
                    ),
                    _queue.c.state == RUNNING,
                )
                .values(lease_expires_at=func.clock_timestamp() + self._lease)
                .returning(_queue.c.execution_id, _queue.c.cancel_requested)
            )
            found = {execution_id: bool(cancel_requested) for execution_id, cancel_requested in renewed}
            await session.commit()
        return found
