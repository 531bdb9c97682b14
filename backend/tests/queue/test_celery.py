"""Dispatch through Celery on Redis with real worker processes: submitted and unannounced work runs, a
killed worker's execution is taken over once its lease expires, SIGTERM lets the run under way finish,
and an unreachable Redis is refused quickly rather than hanging a request."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from crewloom.db.engine import Database
from crewloom.errors import ServiceUnavailable
from crewloom.models import QueuedExecution
from crewloom.queue import CeleryDispatcher, Claim, LeaseLost, enqueue, fence
from tests.conftest import REDIS_URL, make_settings
from tests.queue.conftest import TenantFactory
from tests.queue.proxy import CuttableProxy
from tests.queue.recording import hook_calls_of, marks_of, plan_run
from tests.queue.workers import WorkerProcess, worker_env
from tests.waiting import eventually

# Bounds only: an unreachable Redis is refused within the broker timeouts, far below this.
REFUSAL_BOUND_SECONDS = 15.0
TAKEOVER_SECONDS = 40.0

WorkerFactory = Callable[..., list[WorkerProcess]]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def dispatcher(queue_database_url: str, tmp_path: Path) -> AsyncIterator[CeleryDispatcher]:
    celery_dispatcher = CeleryDispatcher(make_settings(queue_database_url, tmp_path, redis_url=REDIS_URL))
    await celery_dispatcher.start()
    yield celery_dispatcher
    await celery_dispatcher.stop()


@pytest.fixture
def start_workers(queue_database_url: str, tmp_path: Path) -> Iterator[WorkerFactory]:
    """Start workers side by side and wait until each is ready; every one is killed at teardown."""
    started: list[WorkerProcess] = []

    def start(*names: str, concurrency: int = 2, redis_url: str = REDIS_URL) -> list[WorkerProcess]:
        env = worker_env(queue_database_url, redis_url, tmp_path)
        workers = [WorkerProcess(name, env, concurrency=concurrency) for name in names]
        started.extend(workers)
        for worker in workers:
            worker.wait_ready()
        return workers

    yield start
    for worker in started:
        worker.close()


@pytest.fixture
async def redis_proxy() -> AsyncIterator[CuttableProxy]:
    target = urlsplit(REDIS_URL)
    proxy = CuttableProxy(target.hostname or "127.0.0.1", target.port or 6379)
    await proxy.open()
    yield proxy
    await proxy.cut()


def through(proxy: CuttableProxy) -> str:
    """The test Redis URL, reached through ``proxy``."""
    return urlsplit(REDIS_URL)._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()


async def queue_is_empty(database: Database) -> bool:
    async with database.session() as session:
        return await session.scalar(select(func.count()).select_from(QueuedExecution)) == 0


async def queue_state(database: Database, execution_id: uuid.UUID) -> str | None:
    async with database.session() as session:
        row = await session.get(QueuedExecution, execution_id)
        return row.state if row is not None else None


async def submit(
    database: Database, dispatcher: CeleryDispatcher, tenant_id: uuid.UUID, *, steps: int, step_seconds: float
) -> uuid.UUID:
    execution_id = uuid.uuid4()
    await plan_run(database, execution_id, steps=steps, step_seconds=step_seconds)
    await dispatcher.ensure_available()
    async with database.session() as session:
        await enqueue(session, tenant_id=tenant_id, execution_id=execution_id)
        await session.commit()
    await dispatcher.submitted()
    return execution_id


async def test_an_unreachable_redis_is_refused_quickly(queue_database_url: str, tmp_path: Path) -> None:
    redis_url = f"redis://127.0.0.1:{closed_port()}/0"
    unreachable = CeleryDispatcher(make_settings(queue_database_url, tmp_path, redis_url=redis_url))
    try:
        with pytest.raises(ServiceUnavailable) as refused:
            await asyncio.wait_for(unreachable.ensure_available(), REFUSAL_BOUND_SECONDS)
        assert refused.value.detail == "the execution queue (Redis) is unreachable"
        assert refused.value.status_code == 503
        # A wake-up lost to the outage is not an error: the workers' sweep makes up for it.
        await asyncio.wait_for(unreachable.submitted(), REFUSAL_BOUND_SECONDS)
    finally:
        await unreachable.stop()


async def test_a_reachable_redis_is_available(dispatcher: CeleryDispatcher) -> None:
    await dispatcher.ensure_available()


def test_the_celery_dispatcher_needs_a_redis_url(queue_database_url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="CREWLOOM_REDIS_URL"):
        CeleryDispatcher(make_settings(queue_database_url, tmp_path))


async def test_workers_run_submitted_work_and_sweep_up_unannounced_work(
    database: Database, make_tenants: TenantFactory, dispatcher: CeleryDispatcher, start_workers: WorkerFactory
) -> None:
    start_workers("alpha", "beta")
    first, second = await make_tenants(2)
    submitted = [
        await submit(database, dispatcher, tenant, steps=2, step_seconds=0.05) for tenant in (first, first, second)
    ]
    # Queued without a message, as when Redis lost it: a worker's sweep finds it.
    unannounced = uuid.uuid4()
    async with database.session() as session:
        await enqueue(session, tenant_id=second, execution_id=unannounced)
        await session.commit()

    async def all_settled() -> bool:
        return await queue_is_empty(database)

    await eventually(all_settled, within=TAKEOVER_SECONDS, what="every execution settled by the workers")
    for execution_id in [*submitted, unannounced]:
        kinds = [kind for _, _, kind in await marks_of(database, execution_id)]
        assert kinds[-1] == "done"
        assert kinds.count("done") == 1


async def test_a_killed_workers_execution_is_taken_over_and_its_writes_fenced_out(
    database: Database, make_tenants: TenantFactory, dispatcher: CeleryDispatcher, start_workers: WorkerFactory
) -> None:
    workers = start_workers("gamma", "delta")
    (tenant,) = await make_tenants(1)
    execution_id = await submit(database, dispatcher, tenant, steps=20, step_seconds=0.1)

    async def started() -> bool:
        return bool(await marks_of(database, execution_id))

    await eventually(started, within=TAKEOVER_SECONDS, what="a worker starting the run")
    holder_name = (await marks_of(database, execution_id))[0][0]
    holder, survivor = sorted(workers, key=lambda worker: worker.name != holder_name)
    holder.kill()

    async def finished() -> bool:
        return any(kind == "done" for _, _, kind in await marks_of(database, execution_id))

    await eventually(finished, within=TAKEOVER_SECONDS, what="the surviving worker finishing the run")
    marks = await marks_of(database, execution_id)
    assert {token for owner, token, _ in marks if owner == holder.name} == {1}
    assert marks[-1][0] == survivor.name
    assert marks[-1][1] > 1
    assert marks[-1][2] == "done"
    assert [kind for kind, _ in await hook_calls_of(database, execution_id)] == ["requeued"]
    assert await queue_is_empty(database)

    # A late write of the dead holder, under its old token, is refused.
    async with database.session() as session:
        with pytest.raises(LeaseLost):
            await fence(session, Claim(execution_id=execution_id, tenant_id=tenant, lease_token=1, claims=1))


async def test_sigterm_lets_the_run_under_way_finish(
    database: Database, make_tenants: TenantFactory, dispatcher: CeleryDispatcher, start_workers: WorkerFactory
) -> None:
    (worker,) = start_workers("epsilon")
    (tenant,) = await make_tenants(1)
    execution_id = await submit(database, dispatcher, tenant, steps=10, step_seconds=0.1)

    async def started() -> bool:
        return bool(await marks_of(database, execution_id))

    await eventually(started, within=TAKEOVER_SECONDS, what="the worker starting the run")
    assert await asyncio.to_thread(worker.stop) == 0, worker.output

    marks = await marks_of(database, execution_id)
    assert marks[-1] == ("epsilon", 1, "done")
    assert await queue_is_empty(database)


async def test_a_redis_outage_refuses_new_work_while_running_work_carries_on(
    database: Database,
    make_tenants: TenantFactory,
    redis_proxy: CuttableProxy,
    start_workers: WorkerFactory,
    queue_database_url: str,
    tmp_path: Path,
) -> None:
    # In a thread: the proxy serves the worker from this event loop while it starts.
    await asyncio.to_thread(start_workers, "eta", redis_url=through(redis_proxy))
    dispatcher = CeleryDispatcher(make_settings(queue_database_url, tmp_path, redis_url=through(redis_proxy)))
    try:
        (tenant,) = await make_tenants(1)
        running = await submit(database, dispatcher, tenant, steps=15, step_seconds=0.1)

        async def started() -> bool:
            return bool(await marks_of(database, running))

        await eventually(started, within=TAKEOVER_SECONDS, what="the worker starting the run")
        await redis_proxy.cut()

        with pytest.raises(ServiceUnavailable):
            await asyncio.wait_for(dispatcher.ensure_available(), REFUSAL_BOUND_SECONDS)
        # Queued just before the outage: its wake-up is lost.
        waiting = uuid.uuid4()
        async with database.session() as session:
            await enqueue(session, tenant_id=tenant, execution_id=waiting)
            await session.commit()
        await asyncio.wait_for(dispatcher.submitted(), REFUSAL_BOUND_SECONDS)

        async def both_settled() -> bool:
            return await queue_state(database, running) is None and await queue_state(database, waiting) is None

        # The worker claims by itself at its sweep: queued work needs no message to run.
        await eventually(both_settled, within=TAKEOVER_SECONDS, what="the runs finishing without Redis")
        assert (await marks_of(database, running))[-1] == ("eta", 1, "done")
        assert (await marks_of(database, waiting))[-1] == ("eta", 1, "done")

        await redis_proxy.open()
        await dispatcher.ensure_available()
        after = await submit(database, dispatcher, tenant, steps=1, step_seconds=0.0)

        async def after_settled() -> bool:
            return await queue_state(database, after) is None

        await eventually(after_settled, within=TAKEOVER_SECONDS, what="new work running once Redis is back")
    finally:
        await dispatcher.stop()
