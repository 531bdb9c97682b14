"""The in-process dispatcher: runs submitted work, never more than ``local_concurrency`` at once, recovers
a crashed run through the reaper, and stops without hanging."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import func, select

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.models import QueuedExecution
from crewloom.queue import Claim, ExecutionRunner, Lease, LocalDispatcher, fence, release
from tests.queue.conftest import TenantFactory, enqueue_many
from tests.queue.recording import RecordingHooks, RecordingRunner, hook_calls_of, marks_of
from tests.waiting import eventually

DispatcherFactory = Callable[[ExecutionRunner], LocalDispatcher]


class GatedRunner:
    """Holds every run until the gate opens, counting how many run at once."""

    def __init__(self, database: Database) -> None:
        self.gate = asyncio.Event()
        self.active = 0
        self.peak = 0
        self.finished: list[uuid.UUID] = []
        self._database = database

    async def __call__(self, claim: Claim, lease: Lease) -> None:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await self.gate.wait()
            async with self._database.session() as session:
                await fence(session, claim)
                await release(session, claim)
                await session.commit()
            self.finished.append(claim.execution_id)
        finally:
            self.active -= 1


async def queue_states(database: Database) -> dict[str, int]:
    async with database.session() as session:
        rows = await session.execute(select(QueuedExecution.state, func.count()).group_by(QueuedExecution.state))
        return {state: count for state, count in rows}


@pytest.fixture
async def start_dispatcher(database: Database, queue_settings: Settings) -> AsyncIterator[DispatcherFactory]:
    started: list[LocalDispatcher] = []

    def start(runner: ExecutionRunner) -> LocalDispatcher:
        dispatcher = LocalDispatcher(database, queue_settings, runner, RecordingHooks(), stop_grace_seconds=0.5)
        started.append(dispatcher)
        return dispatcher

    yield start
    for dispatcher in started:
        await asyncio.wait_for(dispatcher.stop(), 10)


async def test_submitted_work_runs(
    database: Database, make_tenants: TenantFactory, start_dispatcher: DispatcherFactory
) -> None:
    dispatcher = start_dispatcher(RecordingRunner(database, "local"))
    await dispatcher.start()
    await dispatcher.ensure_available()
    first, second = await make_tenants(2)
    executions = await enqueue_many(database, first, 2) + await enqueue_many(database, second, 1)
    await dispatcher.submitted()

    async def all_done() -> bool:
        return await queue_states(database) == {}

    await eventually(all_done, what="every execution settled")
    for execution_id in executions:
        assert await marks_of(database, execution_id) == [("local", 1, "step"), ("local", 1, "done")]


async def test_no_more_than_local_concurrency_run_at_once(
    database: Database, make_tenants: TenantFactory, start_dispatcher: DispatcherFactory, queue_settings: Settings
) -> None:
    runner = GatedRunner(database)
    dispatcher = start_dispatcher(runner)
    await dispatcher.start()
    (tenant,) = await make_tenants(1)
    executions = await enqueue_many(database, tenant, 5)
    await dispatcher.submitted()

    async def full() -> bool:
        return runner.active == queue_settings.local_concurrency

    await eventually(full, what="the dispatcher filling its slots")
    # Several sweeps pass while the slots are full: nothing more is claimed.
    await asyncio.sleep(3 * queue_settings.reaper_interval_seconds)
    assert await queue_states(database) == {"running": 2, "queued": 3}

    runner.gate.set()

    async def all_done() -> bool:
        return len(runner.finished) == len(executions)

    await eventually(all_done, what="every execution finished")
    assert runner.peak == queue_settings.local_concurrency
    assert sorted(runner.finished) == sorted(executions)


async def test_a_run_that_crashed_is_queued_again_by_the_reaper(
    database: Database, make_tenants: TenantFactory, start_dispatcher: DispatcherFactory
) -> None:
    recording = RecordingRunner(database, "local")

    async def crashing_once(claim: Claim, lease: Lease) -> None:
        if claim.claims == 1:
            raise RuntimeError("the runner broke")
        await recording(claim, lease)

    dispatcher = start_dispatcher(crashing_once)
    await dispatcher.start()
    (tenant,) = await make_tenants(1)
    (execution_id,) = await enqueue_many(database, tenant, 1)
    await dispatcher.submitted()

    async def done() -> bool:
        return ("local", 3, "done") in await marks_of(database, execution_id)

    await eventually(done, what="the second claim running to the end")
    assert [kind for kind, _ in await hook_calls_of(database, execution_id)] == ["requeued"]
    assert await queue_states(database) == {}


async def test_stop_leaves_a_run_that_does_not_finish_to_the_reaper(
    database: Database, make_tenants: TenantFactory, start_dispatcher: DispatcherFactory
) -> None:
    runner = GatedRunner(database)
    dispatcher = start_dispatcher(runner)
    await dispatcher.start()
    (tenant,) = await make_tenants(1)
    await enqueue_many(database, tenant, 1)
    await dispatcher.submitted()

    async def started() -> bool:
        return runner.active == 1

    await eventually(started, what="the run starting")
    await asyncio.wait_for(dispatcher.stop(), 10)

    assert runner.active == 0
    assert runner.finished == []
    assert await queue_states(database) == {"running": 1}


async def test_stop_without_start_and_twice_is_harmless(
    database: Database, start_dispatcher: DispatcherFactory
) -> None:
    dispatcher = start_dispatcher(GatedRunner(database))
    await asyncio.wait_for(dispatcher.stop(), 10)
    await dispatcher.start()
    await asyncio.wait_for(dispatcher.stop(), 10)
    await asyncio.wait_for(dispatcher.stop(), 10)
