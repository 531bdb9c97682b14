"""The lease a worker holds on a running execution, renewed by heartbeats while the run goes on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from types import TracebackType

from sqlalchemy import Table, func, update

from crewloom.db.engine import Database
from crewloom.models.execution_queue import QueuedExecution
from crewloom.queue.store import RUNNING, Claim

logger = logging.getLogger(__name__)

_queue: Table = QueuedExecution.__table__  # type: ignore[assignment]


class Lease:
    """Heartbeats ``claim`` every ``heartbeat_seconds``, each in its own short transaction, pushing its
    expiry ``lease_seconds`` ahead. ``cancel_requested`` is set once someone asked the run to stop;
    ``lost`` once the lease moved on (the reaper gave the execution to another worker) or the execution
    left the queue; ``hand_back`` once this process is stopping and wants the run to save what it has and
    give the execution back (``store.hand_back``) rather than finish. A heartbeat that fails (database
    unreachable) is tried again at the next beat: if the lease ran out meanwhile, the next beat that gets
    through finds it lost."""

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
        self._database = database
        self._lease = timedelta(seconds=lease_seconds)
        self._interval = heartbeat_seconds
        # A beat that hangs longer than a lease is worthless: the lease ran out anyway.
        self._beat_timeout = max(lease_seconds, heartbeat_seconds)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Lease:
        if self.claim.cancel_requested is None:
            # Nothing known of the claim: a first beat before the run starts, so a cancellation asked already
            # shows at once. A claim just made says so itself, which saves a transaction per run.
            await self._beat_safely()
        elif self.claim.cancel_requested:
            self.cancel_requested.set()
        if not self.lost.is_set():
            self._task = asyncio.create_task(self._heartbeat(), name=f"lease {self.claim.execution_id}")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _heartbeat(self) -> None:
        while not self.lost.is_set():
            await asyncio.sleep(self._interval)
            await self._beat_safely()

    async def _beat_safely(self) -> None:
        try:
            async with asyncio.timeout(self._beat_timeout):
                await self._beat()
        except Exception:
            logger.warning("could not renew the lease on execution %s", self.claim.execution_id, exc_info=True)

    async def _beat(self) -> None:
        async with self._database.session() as session:
            renewed = await session.execute(
                update(_queue)
                .where(
                    _queue.c.execution_id == self.claim.execution_id,
                    _queue.c.lease_token == self.claim.lease_token,
                    _queue.c.state == RUNNING,
                )
                .values(lease_expires_at=func.clock_timestamp() + self._lease)
                .returning(_queue.c.cancel_requested)
            )
            cancel_requested = renewed.scalar_one_or_none()
            await session.commit()
        if cancel_requested is None:
            self.lost.set()
        elif cancel_requested:
            self.cancel_requested.set()
