"""Dispatch inside this process: executions run as asyncio tasks next to the API (``crewloom up``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.kit.shutdown import process_shutdown
from crewloom.queue.process_runs import ProcessRuns
from crewloom.queue.running import ExecutionRunner, claim_one, lease_owner, reap_expired
from crewloom.queue.store import Claim, ExecutionHooks

logger = logging.getLogger(__name__)


class LocalDispatcher:
    """Claims while it has room for ``local_concurrency`` runs: when woken by a submission or a finished
    run, and at every sweep. The reaper runs every ``reaper_interval_seconds``. Stopping, it gives its runs
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
        self._owner = lease_owner()
        self._wake = asyncio.Event()
        self._stopping = False
        self._runs = ProcessRuns(database, settings, runner)
        self._pump_task: asyncio.Task[None] | None = None
        self._reaper_task: asyncio.Task[None] | None = None

    @property
    def running(self) -> int:
        """Executions this process is running now."""
        return len(self._runs)

    async def start(self) -> None:
        if self._pump_task is not None:
            return
        self._stopping = False
        self._pump_task = asyncio.create_task(self._pump(), name="execution pump")
        self._reaper_task = asyncio.create_task(self._reaper(), name="execution reaper")

    async def stop(self) -> None:
        remaining = process_shutdown.remaining()
        grace = self._stop_grace_seconds if remaining is None else min(remaining, self._stop_grace_seconds)
        self._stopping = True
        self._wake.set()
        if self._reaper_task is not None:
            self._reaper_task.cancel()
            await asyncio.gather(self._reaper_task, return_exceptions=True)
        if self._pump_task is not None:
            # The pump finishes the claim under way, so no claimed execution is dropped on the floor.
            done, _ = await asyncio.wait({self._pump_task}, timeout=grace)
            if not done:
                self._pump_task.cancel()
                await asyncio.gather(self._pump_task, return_exceptions=True)
        self._pump_task = self._reaper_task = None
        await self._runs.drain(grace)

    async def ensure_available(self) -> None:
        """Nothing stands between this process and its database-backed queue."""

    async def submitted(self) -> None:
        self._wake.set()

    async def _pump(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                while not self._stopping and len(self._runs) < self._settings.local_concurrency:
                    claim = await claim_one(self._database, self._settings, self._owner)
                    if claim is None:
                        break
                    self._start_run(claim)
            except Exception:
                logger.warning("could not claim executions; trying again at the next sweep", exc_info=True)
            # Without a wake-up, sweep anyway: a submission may have come from another process.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.reaper_interval_seconds):
                    await self._wake.wait()

    def _start_run(self, claim: Claim) -> None:
        self._runs.start(claim).add_done_callback(self._run_finished)

    def _run_finished(self, _task: asyncio.Task[None]) -> None:
        self._wake.set()

    async def _reaper(self) -> None:
        while True:
            try:
                if await reap_expired(self._database, self._settings, self._hooks):
                    self._wake.set()
            except Exception:
                logger.warning("the reaper could not run; trying again", exc_info=True)
            await asyncio.sleep(self._settings.reaper_interval_seconds)
