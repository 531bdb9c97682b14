"""Claiming for one process: its runs take what the queue offers while it has room for them."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.queue.process_runs import ProcessRuns
from crewloom.queue.running import claim_up_to, reap_expired
from crewloom.queue.store import ExecutionHooks

logger = logging.getLogger(__name__)


class ClaimPump:
    """Claims queued executions while the process has room for ``concurrency`` runs, all it has room for in one
    claim, and starts each as one of ``runs``. It claims when woken (a submission, a message, a sweep) and when a
    run ends, unless its last claim found the queue drained (fewer executions than it had room for): then ending
    runs ask nothing until the next wake-up, and an idle queue costs no query per run."""

    def __init__(
        self, database: Database, settings: Settings, runs: ProcessRuns, *, owner: str, concurrency: int
    ) -> None:
        self._database = database
        self._settings = settings
        self._runs = runs
        self._owner = owner
        self._concurrency = concurrency
        # One claim at a time, so that two claims never both count the same room.
        self._claiming = asyncio.Lock()
        self._wake = asyncio.Event()
        self._room_freed = asyncio.Event()
        self.drained = False
        self.stopping = False

    @property
    def room(self) -> int:
        return 0 if self.stopping else self._concurrency - len(self._runs)

    def wake(self) -> None:
        self.drained = False
        self._wake.set()

    def stop(self) -> None:
        """Claim nothing more; whoever waits for room or a wake-up goes on at once."""
        self.stopping = True
        self._wake.set()
        self._room_freed.set()

    async def claim(self) -> tuple[int, int]:
        """Claim what the process has room for now; returns how many were claimed, and the room there was."""
        async with self._claiming:
            room = self.room
            if room <= 0:
                return 0, 0
            claims = await claim_up_to(self._database, self._settings, self._owner, room)
            for claim in claims:
                self._runs.start(claim).add_done_callback(self._run_ended)
            self.drained = len(claims) < room
            return len(claims), room

    async def wait_for_room(self) -> None:
        while self.room <= 0 and not self.stopping:
            self._room_freed.clear()
            await self._room_freed.wait()

    async def run(self) -> None:
        """Claim at every wake-up, and at least every ``reaper_interval_seconds`` (work queued by another process
        whose wake-up was lost), until stopped. The claim under way when it is stopped finishes, so that no claimed
        execution is dropped on the floor."""
        while not self.stopping:
            self._wake.clear()
            try:
                await self.claim()
            except Exception:
                logger.warning("could not claim executions; trying again at the next sweep", exc_info=True)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.reaper_interval_seconds):
                    await self._wake.wait()

    async def reap(self, hooks: ExecutionHooks) -> None:
        """Settle expired leases every ``reaper_interval_seconds``, until cancelled; what is queued again, this process
        claims at once if it has room, and the others at their next claim."""
        while True:
            try:
                if await reap_expired(self._database, self._settings, hooks):
                    self.wake()
            except Exception:
                logger.warning("the reaper could not run; trying again", exc_info=True)
            await asyncio.sleep(self._settings.reaper_interval_seconds)

    def _run_ended(self, _task: asyncio.Task[None]) -> None:
        self._room_freed.set()
        if not self.drained:
            self._wake.set()
