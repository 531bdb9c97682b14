"""Dispatch inside this process: executions run as asyncio tasks next to the API (``crewloom up``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.queue.running import ExecutionRunner, claim_one, lease_owner, reap_expired, run_claimed
from crewloom.queue.store import Claim, ExecutionHooks

logger = logging.getLogger(__name__)


class LocalDispatcher:
    """Claims while it has room for ``local_concurrency`` runs: when woken by a submission or a finished
    run, and at every sweep. The reaper runs every ``reaper_interval_seconds``."""

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
        self._runner = runner
        self._hooks = hooks
        self._stop_grace_seconds = stop_grace_seconds
        self._owner = lease_owner()
        self._wake = asyncio.Event()
        self._stopping = False
        self._runs: set[asyncio.Task[None]] = set()
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
        self._stopping = True
        self._wake.set()
        if self._reaper_task is not None:
            self._reaper_task.cancel()
            await asyncio.gather(self._reaper_task, return_exceptions=True)
        if self._pump_task is not None:
            # The pump finishes the claim under way, so no claimed execution is dropped on the floor.
            done, _ = await asyncio.wait({self._pump_task}, timeout=self._stop_grace_seconds)
            if not done:
                self._pump_task.cancel()
                await asyncio.gather(self._pump_task, return_exceptions=True)
        self._pump_task = self._reaper_task = None
        if not self._runs:
            return
        _, pending = await asyncio.wait(self._runs, timeout=self._stop_grace_seconds)
        if pending:
            logger.warning(
                "%d executions still running after %.0f s are left to the reaper for when their lease expires",
                len(pending),
                self._stop_grace_seconds,
            )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

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
        task = asyncio.create_task(
            run_claimed(self._database, self._settings, self._runner, claim), name=f"execution {claim.execution_id}"
        )
        self._runs.add(task)
        task.add_done_callback(self._run_finished)

    def _run_finished(self, task: asyncio.Task[None]) -> None:
        self._runs.discard(task)
        self._wake.set()

    async def _reaper(self) -> None:
        while True:
            try:
                if await reap_expired(self._database, self._settings, self._hooks):
                    self._wake.set()
            except Exception:
                logger.warning("the reaper could not run; trying again", exc_info=True)
            await asyncio.sleep(self._settings.reaper_interval_seconds)
