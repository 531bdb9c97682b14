"""Fixtures of the queue tests: a database of their own (the shared test database has an API server whose
dispatcher would claim their rows), tenants, and the tables the recording runner writes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.schema import CreateSchema

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.models import DispatchTurn, QueuedExecution, Tenant
from crewloom.queue import Claim, claim_batch, enqueue, reap
from tests.conftest import make_settings, separate_database
from tests.queue.recording import RECORDING_SCHEMA, RecordingHooks, recording_metadata

TenantFactory = Callable[[int], Awaitable[list[uuid.UUID]]]


@pytest.fixture(scope="session")
def queue_database_url() -> str:
    return separate_database("dispatch")


@pytest.fixture(scope="session")
async def queue_database(queue_database_url: str) -> AsyncIterator[Database]:
    database = Database(queue_database_url, pool_size=20, max_overflow=10)
    async with database.engine.begin() as connection:
        await connection.execute(CreateSchema(RECORDING_SCHEMA, if_not_exists=True))
        await connection.run_sync(recording_metadata.create_all)
    yield database
    await database.dispose()


@pytest.fixture
async def database(queue_database: Database) -> Database:
    """The queue database, with the queue, the turns and the recordings emptied before each test."""
    async with queue_database.session() as session:
        await session.execute(delete(QueuedExecution))
        await session.execute(delete(DispatchTurn))
        for table in recording_metadata.sorted_tables:
            await session.execute(delete(table))
        await session.commit()
    return queue_database


@pytest.fixture
def queue_settings(queue_database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        queue_database_url,
        tmp_path,
        lease_seconds=5.0,
        heartbeat_seconds=0.2,
        reaper_interval_seconds=0.2,
        local_concurrency=2,
        max_running_per_tenant=10,
        max_claims=3,
    )


@pytest.fixture
def make_tenants(database: Database) -> TenantFactory:
    async def create(count: int) -> list[uuid.UUID]:
        tenants = [Tenant(name=f"tenant {index}") for index in range(count)]
        async with database.session() as session:
            session.add_all(tenants)
            await session.commit()
        return [tenant.id for tenant in tenants]

    return create


async def enqueue_many(database: Database, tenant_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    """Queue ``count`` executions of a tenant, oldest first, each in its own transaction."""
    execution_ids = [uuid.uuid4() for _ in range(count)]
    for execution_id in execution_ids:
        async with database.session() as session:
            await enqueue(session, tenant_id=tenant_id, execution_id=execution_id)
            await session.commit()
    return execution_ids


async def claim_now(database: Database, *, limit: int = 10, lease_seconds: float = 30.0) -> Claim | None:
    async with database.session() as session:
        claimed = await claim_batch(
            session, owner="test", lease_seconds=lease_seconds, max_running_per_tenant=limit, limit=1
        )
        await session.commit()
    return claimed[0] if claimed else None


async def reap_now(database: Database, *, max_claims: int = 3) -> int:
    async with database.session() as session:
        settled = await reap(session, max_claims=max_claims, hooks=RecordingHooks())
        await session.commit()
    return settled
