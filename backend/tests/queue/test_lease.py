"""The lease a holder heartbeats: it is renewed, it surfaces cancellation, and once it stopped
heartbeating the reaper hands the execution on and the old holder is fenced out."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import datetime

import pytest
from sqlalchemy import event

from crewloom.db.engine import Database
from crewloom.models import QueuedExecution
from crewloom.queue import Claim, Lease, LeaseLost, fence, request_cancel
from tests.queue.conftest import TenantFactory, claim_now, enqueue_many, reap_now
from tests.waiting import eventually

WAIT_SECONDS = 10.0


async def claimed_execution(database: Database, make_tenants: TenantFactory, *, lease_seconds: float) -> Claim:
    (tenant,) = await make_tenants(1)
    await enqueue_many(database, tenant, 1)
    claim = await claim_now(database, lease_seconds=lease_seconds)
    assert claim is not None
    return claim


async def lease_expiry(database: Database, execution_id: uuid.UUID) -> datetime | None:
    async with database.session() as session:
        row = await session.get(QueuedExecution, execution_id)
        return row.lease_expires_at if row is not None else None


async def test_heartbeats_push_the_expiry_ahead(database: Database, make_tenants: TenantFactory) -> None:
    claim = await claimed_execution(database, make_tenants, lease_seconds=1)
    claimed_until = await lease_expiry(database, claim.execution_id)
    assert claimed_until is not None

    async with Lease(database, claim, lease_seconds=30, heartbeat_seconds=0.05) as lease:
        beats: list[datetime] = [claimed_until]

        async def renewed() -> bool:
            later = await lease_expiry(database, claim.execution_id)
            if later is None or later <= beats[-1]:
                return False
            beats.append(later)
            return True

        await eventually(renewed, within=WAIT_SECONDS, what="a first heartbeat")
        await eventually(renewed, within=WAIT_SECONDS, what="a second heartbeat")
        assert not lease.lost.is_set()
        assert not lease.cancel_requested.is_set()


async def test_a_cancel_request_reaches_the_holder(database: Database, make_tenants: TenantFactory) -> None:
    claim = await claimed_execution(database, make_tenants, lease_seconds=30)
    async with Lease(database, claim, lease_seconds=30, heartbeat_seconds=0.05) as lease:
        async with database.session() as session:
            assert await request_cancel(session, claim.execution_id) == "running"
            await session.commit()
        await asyncio.wait_for(lease.cancel_requested.wait(), WAIT_SECONDS)
        assert not lease.lost.is_set()


async def test_a_cancel_requested_before_the_lease_starts_shows_at_once(
    database: Database, make_tenants: TenantFactory
) -> None:
    claim = await claimed_execution(database, make_tenants, lease_seconds=30)
    async with database.session() as session:
        await request_cancel(session, claim.execution_id)
        await session.commit()
    # A claim that says nothing of cancellation has the lease read it; one that does is believed.
    unknown = dataclasses.replace(claim, cancel_requested=None)
    async with Lease(database, unknown, lease_seconds=30, heartbeat_seconds=60) as lease:
        assert lease.cancel_requested.is_set()
    asked = dataclasses.replace(claim, cancel_requested=True)
    async with Lease(database, asked, lease_seconds=30, heartbeat_seconds=60) as lease:
        assert lease.cancel_requested.is_set()


async def test_a_fresh_claims_cancellation_shows_at_the_first_heartbeat(
    database: Database, make_tenants: TenantFactory
) -> None:
    claim = await claimed_execution(database, make_tenants, lease_seconds=30)
    assert claim.cancel_requested is False
    async with database.session() as session:
        await request_cancel(session, claim.execution_id)
        await session.commit()
    async with Lease(database, claim, lease_seconds=30, heartbeat_seconds=0.05) as lease:
        await asyncio.wait_for(lease.cancel_requested.wait(), WAIT_SECONDS)


async def test_a_holder_that_stopped_heartbeating_is_fenced_out(
    database: Database, make_tenants: TenantFactory
) -> None:
    claim = await claimed_execution(database, make_tenants, lease_seconds=0.2)
    # Heartbeats far apart: the lease runs out between two of them, as when a worker stalls.
    async with Lease(database, claim, lease_seconds=0.2, heartbeat_seconds=0.6) as lease:

        async def reaped() -> bool:
            return await reap_now(database) == 1

        await eventually(reaped, within=WAIT_SECONDS, what="the reaper taking the expired lease")
        async with database.session() as session:
            with pytest.raises(LeaseLost):
                await fence(session, claim)
        await asyncio.wait_for(lease.lost.wait(), WAIT_SECONDS)


async def test_a_lease_on_an_execution_that_left_the_queue_is_lost(
    database: Database, make_tenants: TenantFactory
) -> None:
    claim = await claimed_execution(database, make_tenants, lease_seconds=30)
    stale = Claim(
        execution_id=claim.execution_id, tenant_id=claim.tenant_id, lease_token=claim.lease_token - 1, claims=1
    )
    async with Lease(database, stale, lease_seconds=30, heartbeat_seconds=0.05) as lease:
        assert lease.lost.is_set()
    async with Lease(database, claim, lease_seconds=30, heartbeat_seconds=0.05) as lease:
        assert not lease.lost.is_set()


async def test_the_leases_of_a_process_beat_in_one_statement_and_each_learns_its_own_fate(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    await enqueue_many(database, tenant, 2)
    kept, cancelled = await claim_now(database), await claim_now(database)
    assert kept is not None
    assert cancelled is not None
    beats: list[str] = []

    def seen(_connection: object, _cursor: object, statement: str, parameters: object, *_rest: object) -> None:
        if statement.startswith("UPDATE public.execution_queue SET lease_expires_at"):
            beats.append(repr(parameters))

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with (
            Lease(database, kept, lease_seconds=30, heartbeat_seconds=0.05) as kept_lease,
            Lease(database, cancelled, lease_seconds=30, heartbeat_seconds=0.05) as cancelled_lease,
        ):
            async with database.session() as session:
                await request_cancel(session, cancelled.execution_id)
                await session.commit()
            await asyncio.wait_for(cancelled_lease.cancel_requested.wait(), WAIT_SECONDS)
            assert not kept_lease.cancel_requested.is_set()
            assert not kept_lease.lost.is_set()
            assert not cancelled_lease.lost.is_set()
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", seen)
    assert beats
    assert all(str(kept.execution_id) in beat and str(cancelled.execution_id) in beat for beat in beats)
