"""The executions one process runs, and how they end when the process stops (a rolling deploy, a scale-down):
each gets until the deadline, less a margin, to finish; those still running are then asked to hand their
execution back (what they did is saved, the execution is queued again for another worker, the claim not
counted); one that has not within the margin is cut off and its lease given up, so that the reaper of any
other process queues it again at its next pass. No run is lost either way."""

from __future__ import annotations

import asyncio
import logging

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.queue.running import ExecutionRunner, run_claimed
from crewloom.queue.store import Claim, expire_lease

logger = logging.getLogger(__name__)

# The part of a stopping process's deadline kept for handing executions back, at most.
_HAND_BACK_SECONDS = 5.0


class ProcessRuns:
    def __init__(self, database: Database, settings: Settings, runner: ExecutionRunner) -> None:
        self._database = database
        self._settings = settings
        self._runner = runner
        self._runs: dict[asyncio.Task[None], Claim] = {}
        self._hand_back = asyncio.Event()

    def __len__(self) -> int:
        return len(self._runs)

    def start(self, claim: Claim) -> asyncio.Task[None]:
        """Run ``claim`` in a task of its own; the task ends once the execution is settled or given back."""
        task = asyncio.create_task(
            run_claimed(self._database, self._settings, self._runner, claim, hand_back=self._hand_back),
            name=f"execution {claim.execution_id}",
        )
        self._runs[task] = claim
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._runs.pop(task, None)

    async def drain(self, seconds: float) -> None:
        """End every run within ``seconds``, as the module says. Start no new run meanwhile."""
        margin = min(_HAND_BACK_SECONDS, seconds / 4)
        if not await self._wait(seconds - margin):
            return
        logger.info("handing %d executions back to the queue: this process is stopping", len(self._runs))
        self._hand_back.set()
        try:
            await self._cut_off(await self._wait(margin))
        finally:
            # Runs started after a restart of the dispatcher are not to be handed back.
            self._hand_back.clear()

    async def _cut_off(self, pending: set[asyncio.Task[None]]) -> None:
        if not pending:
            return
        logger.warning(
            "%d executions did not hand themselves back in time; their leases are given up for the reaper",
            len(pending),
        )
        claims = [self._runs[task] for task in pending]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self._give_up(claims)

    async def _wait(self, seconds: float) -> set[asyncio.Task[None]]:
        """The runs still going after ``seconds``."""
        if not self._runs:
            return set()
        _, pending = await asyncio.wait(set(self._runs), timeout=max(seconds, 0.0))
        return pending

    async def _give_up(self, claims: list[Claim]) -> None:
        try:
            async with self._database.session() as session:
                for claim in claims:
                    await expire_lease(session, claim)
                await session.commit()
        except Exception:
            logger.warning("could not give up the leases of %d executions; they run out", len(claims), exc_info=True)
