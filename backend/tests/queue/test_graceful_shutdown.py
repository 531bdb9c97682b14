"""Stopping a process that runs executions loses none: a handed-back execution is queued again at once without
its claim counted; a stopping dispatcher asks its runs to hand back what does not finish in time and gives up
the lease of a run that does not; and SIGTERM to a `crewloom worker` mid-run hands the execution to another
worker, which resumes it from the nodes that finished and completes it, while the first exits in time."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.kit.encryption import format_keys, new_master_key
from crewloom.models import QueuedExecution
from crewloom.queue import Claim, Lease, LeaseLost, LocalDispatcher, fence, hand_back
from tests.conftest import REDIS_URL, make_settings, register, separate_database
from tests.executions.cluster import Workers, running_workers
from tests.executions.runs import chain, create_flow, detail, execute, follow, mock_provider, wait_for
from tests.queue.conftest import TenantFactory, claim_now, enqueue_many, reap_now
from tests.queue.recording import RecordingHooks
from tests.server import running_server
from tests.waiting import eventually

SHUTDOWN_SECONDS = 4.0
# What a stopping worker may take beyond its deadline: Celery's own shutdown and the process's exit.
EXIT_ALLOWANCE_SECONDS = 10.0
NODE_MILLISECONDS = 2000


async def _queue_row(database: Database, claim: Claim) -> QueuedExecution | None:
    async with database.session() as session:
        return await session.get(QueuedExecution, claim.execution_id)


async def test_a_handed_back_execution_is_queued_again_without_counting_its_claim(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    await enqueue_many(database, tenant, 1)
    claim = await claim_now(database)
    assert claim is not None

    async with database.session() as session:
        await hand_back(session, claim)
        await session.commit()

    row = await _queue_row(database, claim)
    assert row is not None
    assert (row.state, row.claims, row.lease_token, row.lease_owner) == ("queued", 0, claim.lease_token + 1, None)
    async with database.session() as session:
        # The holder is fenced out, and cannot hand the execution back twice.
        with pytest.raises(LeaseLost):
            await fence(session, claim)
        with pytest.raises(LeaseLost):
            await hand_back(session, claim)
    again = await claim_now(database)
    assert again is not None
    assert (again.execution_id, again.claims) == (claim.execution_id, 1)


class _Runner:
    """Holds every run until it is asked to hand its execution back, which it does when ``obliging``."""

    def __init__(self, database: Database, *, obliging: bool) -> None:
        self.database = database
        self.obliging = obliging
        self.claims: list[Claim] = []

    async def __call__(self, claim: Claim, lease: Lease) -> None:
        self.claims.append(claim)
        if not self.obliging:
            await asyncio.Event().wait()
        await lease.hand_back.wait()
        async with self.database.session() as session:
            await hand_back(session, claim)
            await session.commit()


async def _stopped_mid_run(database: Database, settings: Settings, tenant: uuid.UUID, runner: _Runner) -> Claim:
    dispatcher = LocalDispatcher(database, settings, runner, RecordingHooks(), stop_grace_seconds=1.0)
    await dispatcher.start()
    await enqueue_many(database, tenant, 1)
    await dispatcher.submitted()

    async def started() -> bool:
        return bool(runner.claims)

    await eventually(started, what="the run starting")
    await asyncio.wait_for(dispatcher.stop(), 10)
    assert dispatcher.running == 0
    return runner.claims[0]


async def test_a_stopping_dispatcher_has_its_unfinished_runs_handed_back(
    database: Database, make_tenants: TenantFactory, queue_settings: Settings
) -> None:
    (tenant,) = await make_tenants(1)
    claim = await _stopped_mid_run(database, queue_settings, tenant, _Runner(database, obliging=True))

    row = await _queue_row(database, claim)
    assert row is not None
    assert (row.state, row.claims) == ("queued", 0)


async def test_a_run_that_does_not_hand_back_is_cut_off_and_its_lease_given_up(
    database: Database, make_tenants: TenantFactory, queue_settings: Settings
) -> None:
    (tenant,) = await make_tenants(1)
    claim = await _stopped_mid_run(database, queue_settings, tenant, _Runner(database, obliging=False))

    async with database.session() as session:
        expired = await session.scalar(
            select(QueuedExecution.lease_expires_at <= func.clock_timestamp()).where(
                QueuedExecution.execution_id == claim.execution_id
            )
        )
    assert expired is True
    # Any other process's reaper queues it again at its next pass, not a whole lease later.
    assert await reap_now(database) == 1


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Workers]]:
    """An API handing executions to two `crewloom worker` processes through Redis: its URL, the database's, and
    the workers."""
    database_url = separate_database("shutdown")
    master_keys = format_keys([new_master_key()])
    settings = make_settings(
        database_url,
        tmp_path_factory.mktemp("shutdown"),
        dispatcher="celery",
        redis_url=REDIS_URL,
        master_keys=master_keys,
    )
    env = {
        "CREWLOOM_DATABASE_URL": database_url,
        "CREWLOOM_REDIS_URL": REDIS_URL,
        "CREWLOOM_MASTER_KEYS": master_keys,
        "CREWLOOM_SHUTDOWN_SECONDS": str(SHUTDOWN_SECONDS),
        # Long enough that a run taken over after its lease expired could not pass for a handed-back one.
        "CREWLOOM_LEASE_SECONDS": "30",
        "CREWLOOM_REAPER_INTERVAL_SECONDS": "0.5",
    }
    with running_server(settings) as url, running_workers(env) as workers:
        workers.start("first", concurrency=1)
        workers.start("second", concurrency=1)
        yield url, database_url, workers


@pytest.fixture
async def api(cluster: tuple[str, str, Workers]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=cluster[0], timeout=30) as http:
        yield http


async def _lease_owner(database_url: str, execution_id: str) -> str | None:
    connection = await asyncpg.connect(database_url)
    try:
        owner: str | None = await connection.fetchval(
            "select lease_owner from public.execution_queue where execution_id = $1::uuid", execution_id
        )
        return owner
    finally:
        await connection.close()


def _node_status(found: dict[str, Any], node_id: str) -> str | None:
    return next((run["status"] for run in found["nodes"] if run["node_id"] == node_id), None)


async def test_sigterm_mid_run_hands_the_execution_to_another_worker(
    api: httpx.AsyncClient, cluster: tuple[str, str, Workers]
) -> None:
    _, database_url, workers = cluster
    account = await register(api)
    provider = await mock_provider(api, account, latency_ms=NODE_MILLISECONDS)
    flow_id = await create_flow(api, account, chain(provider, length=3))
    started = await execute(api, account, flow_id, {"topic": "bees"})

    async def first_node_done() -> bool:
        return _node_status(await detail(api, account, started["id"]), "llm_0") == "succeeded"

    await eventually(first_node_done, within=60, what="the first node finishing")
    owner = await _lease_owner(database_url, started["id"])
    assert owner is not None
    holder_name = next(name for name in workers.running if owner.startswith(f"{name}:"))
    holder = workers.running.pop(holder_name)
    stopping_at = time.monotonic()
    assert await asyncio.to_thread(holder.signal, signal.SIGTERM) == 0, holder.output
    assert time.monotonic() - stopping_at < SHUTDOWN_SECONDS + EXIT_ALLOWANCE_SECONDS, holder.output

    done = await wait_for(api, account, started["id"], seconds=60)
    assert done["status"] == "succeeded", done
    # Handed back, not taken over from a dead worker: the claim was not counted.
    assert done["attempts"] == 1
    events = await follow(api, account, started["id"])
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    (requeued,) = [index for index, event in enumerate(events) if event["type"] == "run_requeued"]
    assert "shutting down" in events[requeued]["data"]["reason"]
    resumed = [(event["type"], event["node_id"], event["data"]) for event in events[requeued:]]
    # The other worker reuses what finished before the hand-back rather than running it again.
    assert ("node_succeeded", "llm_0") in [(kind, node_id) for kind, node_id, data in resumed if data.get("reused")]
    assert ("node_started", "llm_0") not in [(kind, node_id) for kind, node_id, _ in resumed]
    assert events[-1]["type"] == "run_succeeded"
    assert await _lease_owner(database_url, started["id"]) is None
    running = await api.get("/api/v1/executions", params={"status": "running"}, headers=account.headers)
    assert running.json()["items"] == []
    workers.start(holder_name, concurrency=1)
