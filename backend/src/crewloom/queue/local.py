"""Dispatch inside this process: executions run as asyncio tasks next to the API (``crewloom up``)."""

from __future__ import annotations

import asyncio
import logging

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.kit.shutdown import process_shutdown
from crewloom.queue.process_runs import ProcessRuns
from crewloom.queue.pump import ClaimPump
from crewloom.queue.running import ExecutionRunner, lease_owner
from crewloom.queue.store import ExecutionHooks

logger = logging.getLogger(__name__)


class LocalDispatcher:
    """Claims while it has room for ``local_concurrency`` runs (see ClaimPump): when woken by a submission, when a
    run ends, and at every sweep. The reaper runs every ``reaper_interval_seconds``. Stopping, it gives its runs
    ``stop_grace_seconds``, or what is left of the process's shutdown deadline if less, to finish or hand
    their executions back."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        runner: ExecutionRunner,
        hooks: ExecutionHooks,
        *,
        stop_grace_seconds: float = 10.0,
    ) -> None:
        self._database = database
        self._settings = settings
        self._hooks = hooks
        self._stop_grace_seconds = stop_grace_seconds
        self._runs = ProcessRuns(database, settings, runner)
        self._pump: ClaimPump | None = None
        self._pump_task: asyncio.Task[None] | None = None
        self._reaper_task: asyncio.Task[None] | None = None

    @property
    def running(self) -> int:
        """Executions this process is running now."""
        return len(self._runs)

    async def start(self) -> None:
        if self._pump_task is not None:
            return
        self._pump = ClaimPump(
            self._database,
            self._settings,
            self._runs,
            owner=lease_owner(),
            concurrency=self._settings.local_concurrency,
        )
        self._pump_task = asyncio.create_task(self._pump.run(), name="execution pump")
        self._reaper_task = asyncio.create_task(self._pump.reap(self._hooks), name="execution reaper")

    async def stop(self) -> None:
        remaining = process_shutdown.remaining()
        grace = self._stop_grace_seconds if remaining is None else min(remaining, self._stop_grace_seconds)
        if self._pump is not None:
            self._pump.stop()
        if self._reaper_task is not None:
            self._reaper_task.cancel()
            await asyncio.gather(self._reaper_task, return_exceptions=True)
        if self._pump_task is not None:
            done, _ = await asyncio.wait({self._pump_task}, timeout=grace)
            if not done:
                self._pump_task.cancel()
                await asyncio.gather(self._pump_task, return_exceptions=True)
        self._pump = self._pump_task = self._reaper_task = None
        await self._runs.drain(grace)

    async def ensure_available(self) -> None:
        """Nothing stands between this process and its database-backed queue."""

    async def submitted(self) -> None:
        if self._pump is not None:
            self._pump.wake()
