"""A Celery worker process that runs executions: Celery's thread takes "run next" messages, and one asyncio event
loop in a background thread claims and runs the executions themselves, with one database pool."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import warnings
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from celery import Celery  # type: ignore[import-untyped]
from celery.exceptions import CPendingDeprecationWarning  # type: ignore[import-untyped]
from celery.signals import worker_shutting_down  # type: ignore[import-untyped]

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.kit.heap import freeze_startup_heap
from crewloom.queue.celery_app import RUN_NEXT_TASK, build_celery_app, send_run_next
from crewloom.queue.process_runs import ProcessRuns
from crewloom.queue.pump import ClaimPump
from crewloom.queue.running import ExecutionRunner, lease_owner
from crewloom.queue.store import ExecutionHooks

logger = logging.getLogger(__name__)

RunnerFactory = Callable[[Database, Settings], ExecutionRunner]
HooksFactory = Callable[[Settings], ExecutionHooks]

_T = TypeVar("_T")
_LOOP_STOP_SECONDS = 10.0


class _ExecutionLoop:
    """The executions side of one worker process. Every coroutine runs on its one event loop, which owns
    the database pool; Celery's thread only waits for its message's claim."""

    def __init__(
        self,
        settings: Settings,
        app: Celery,
        *,
        runner_factory: RunnerFactory,
        hooks_factory: HooksFactory,
        concurrency: int,
        owner: str,
    ) -> None:
        self._settings = settings
        self._app = app
        self._runner_factory = runner_factory
        self._hooks_factory = hooks_factory
        self._concurrency = concurrency
        self._owner = owner
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="crewloom-executions", daemon=True)
        self._database: Database | None = None
        self._runs: ProcessRuns | None = None
        self._pump: ClaimPump | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._draining: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._thread.start()
        try:
            self._call(self._open())
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        try:
            self._call(self._close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=_LOOP_STOP_SECONDS)
            if not self._thread.is_alive():
                self._loop.close()

    def begin_stopping(self) -> None:
        """The worker was told to stop (callable from a signal handler): claim nothing more, and give the runs
        under way the shutdown deadline to finish or hand their executions back."""
        self._loop.call_soon_threadsafe(self._drain)

    def _drain(self) -> None:
        if self._runs is None or self._pump is None or self._pump.stopping:
            return
        self._pump.stop()
        self._draining = asyncio.create_task(self._runs.drain(self._settings.shutdown_seconds), name="drain")

    def run_next(self) -> None:
        """The body of a "run next" task: once this process has room, claim all it has room for, and pass the
        baton on when more may be waiting. A message is held while the process is full, so that a busy worker
        keeps none that an idle one could take."""
        try:
            more_waiting = self._call(self._take_turn())
        except Exception:
            logger.warning("could not claim executions; the next sweep tries again", exc_info=True)
            return
        if more_waiting:
            self._wake_workers(1)

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def _wake_workers(self, count: int) -> None:
        """Send ``count`` run-next messages (blocking); a broker outage is logged, and the next sweep makes
        up for what could not be sent."""
        try:
            for _ in range(count):
                send_run_next(self._app)
        except Exception as exc:
            logger.warning("could not reach the broker to wake a worker (%r); the next sweep tries again", exc)

    async def _open(self) -> None:
        assert self._settings.database_url is not None
        self._database = Database(
            self._settings.database_url,
            # Each run holds a connection now and then, and so does its lease's heartbeat.
            pool_size=max(self._settings.database_pool_size, 2 * self._concurrency),
            max_overflow=self._settings.database_max_overflow,
        )
        # One connection for each run it may start at once, and one for the writer of their events.
        await self._database.open_connections(self._concurrency + 1)
        self._runs = ProcessRuns(self._database, self._settings, self._runner_factory(self._database, self._settings))
        # The pump's own sweep claims what is queued without a message: nothing waits forever for a message lost
        # to a Redis outage.
        self._pump = ClaimPump(
            self._database, self._settings, self._runs, owner=self._owner, concurrency=self._concurrency
        )
        self._tasks = [
            asyncio.create_task(self._pump.run(), name="claims"),
            asyncio.create_task(self._pump.reap(self._hooks_factory(self._settings)), name="reaper"),
        ]

    async def _close(self) -> None:
        if self._draining is not None:
            await self._draining
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._database is not None:
            await self._database.dispose()

    async def _take_turn(self) -> bool:
        """Claim for a message once there is room; True when another worker may find more: this process filled
        its room, or it is stopping (a message taken meanwhile is passed on)."""
        assert self._pump is not None
        pump = self._pump
        while True:
            await pump.wait_for_room()
            if pump.stopping:
                return True
            claimed, room = await pump.claim()
            if room and claimed == room:
                return True
            if room:
                return False
            # The room went to a claim of the pump's own meanwhile: wait for room again.


def start_worker(
    settings: Settings,
    *,
    runner_factory: RunnerFactory,
    hooks_factory: HooksFactory,
    concurrency: int,
    hostname: str | None = None,
) -> None:
    """Run a Celery worker until it is told to stop. On SIGTERM or SIGINT it claims nothing more; the runs under
    way get CREWLOOM_SHUTDOWN_SECONDS to finish or hand their executions back to the queue for another worker
    (see ProcessRuns). A second SIGINT or SIGQUIT stops at once and leaves them to the reaper."""
    if not settings.redis_url or not settings.database_url:
        raise ValueError("a worker needs both CREWLOOM_REDIS_URL and CREWLOOM_DATABASE_URL")
    app = build_celery_app(settings.redis_url)
    name = hostname or f"crewloom@{socket.gethostname()}"
    executions = _ExecutionLoop(
        settings,
        app,
        runner_factory=runner_factory,
        hooks_factory=hooks_factory,
        concurrency=concurrency,
        owner=lease_owner(name),
    )

    def run_next() -> None:
        executions.run_next()

    def shutting_down(**_details: object) -> None:
        executions.begin_stopping()

    app.task(name=RUN_NEXT_TASK, ignore_result=True)(run_next)
    # Sent by Celery's own SIGTERM and SIGINT handlers, as its warm shutdown begins.
    worker_shutting_down.connect(shutting_down, weak=False)
    executions.start()
    freeze_startup_heap()
    try:
        worker = app.Worker(
            hostname=name,
            pool="threads",
            # Messages only ask for claims, which the execution loop makes; runs take no Celery thread.
            concurrency=1,
            loglevel="INFO",
            without_gossip=True,
            without_mingle=True,
            without_heartbeat=True,
        )
        # Runs go on through a broker outage by choice (see build_celery_app): no warning about it each time.
        # Set after the worker's logging setup, which turns every pending-deprecation warning on.
        warnings.filterwarnings(
            "ignore", message=r"\s*In Celery 5.1 we introduced", category=CPendingDeprecationWarning
        )
        worker.start()
    finally:
        worker_shutting_down.disconnect(shutting_down)
        executions.stop()
