"""The queue in PostgreSQL: fair claims under per-tenant limits, fencing, cancellation and the reaper."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.db.engine import Database
from crewloom.models import QueuedExecution
from crewloom.queue import (
    Claim,
    LeaseLost,
    claim_batch,
    enqueue,
    fence,
    reap,
    release,
    request_cancel,
)
from crewloom.queue.store import queued_count
from tests.queue.conftest import TenantFactory, claim_now, enqueue_many, reap_now
from tests.queue.recording import RecordingHooks, hook_calls_of


async def queue_row(database: Database, execution_id: uuid.UUID) -> QueuedExecution | None:
    async with database.session() as session:
        return await session.get(QueuedExecution, execution_id)


async def running_per_tenant(database: Database) -> Counter[uuid.UUID]:
    async with database.session() as session:
        rows = await session.execute(
            select(QueuedExecution.tenant_id, func.count())
            .where(QueuedExecution.state == "running")
            .group_by(QueuedExecution.tenant_id)
        )
        return Counter({tenant_id: count for tenant_id, count in rows})


async def tenants_with_work(
    database: Database, make_tenants: TenantFactory, count: int, *, each: int
) -> list[uuid.UUID]:
    """``count`` new tenants with ``each`` executions queued apiece."""
    tenants = await make_tenants(count)
    for tenant in tenants:
        await enqueue_many(database, tenant, each)
    return tenants


async def test_a_small_tenant_is_served_among_the_first_claims_despite_a_busy_one(
    database: Database, make_tenants: TenantFactory
) -> None:
    busy, small = await make_tenants(2)
    await enqueue_many(database, busy, 30)
    small_executions = await enqueue_many(database, small, 2)

    claims = [await claim_now(database, limit=100) for _ in range(4)]

    tenants = [c.tenant_id for c in claims if c is not None]
    # Turns alternate while both have work; which of two never-claimed tenants goes first is not a rule.
    assert tenants in ([busy, small, busy, small], [small, busy, small, busy])
    assert {c.execution_id for c in claims if c is not None and c.tenant_id == small} == set(small_executions)


async def test_tenants_take_turns_in_round_robin(database: Database, make_tenants: TenantFactory) -> None:
    tenants = await tenants_with_work(database, make_tenants, 3, each=4)

    claims = [await claim_now(database, limit=100) for _ in range(9)]

    order = [c.tenant_id for c in claims if c is not None]
    assert sorted(order[:3]) == sorted(tenants)
    assert order == order[:3] * 3


async def test_each_tenant_gets_its_oldest_execution_first(database: Database, make_tenants: TenantFactory) -> None:
    (tenant,) = await make_tenants(1)
    executions = await enqueue_many(database, tenant, 3)

    claimed = [await claim_now(database) for _ in range(3)]

    assert [c.execution_id for c in claimed if c is not None] == executions
    assert all(c is not None and c.lease_token == 1 and c.claims == 1 for c in claimed)


async def test_a_tenant_at_its_limit_waits_while_others_are_served(
    database: Database, make_tenants: TenantFactory
) -> None:
    busy, other = await make_tenants(2)
    await enqueue_many(database, busy, 5)

    first, second = await claim_now(database, limit=2), await claim_now(database, limit=2)
    assert await claim_now(database, limit=2) is None

    (other_execution,) = await enqueue_many(database, other, 1)
    served = await claim_now(database, limit=2)
    assert served is not None
    assert served.execution_id == other_execution

    assert first is not None
    async with database.session() as session:
        await release(session, first)
        await session.commit()
    again = await claim_now(database, limit=2)
    assert again is not None
    assert again.tenant_id == busy
    assert second is not None
    assert again.execution_id not in (first.execution_id, second.execution_id)


async def test_concurrent_claimers_never_exceed_the_limit_nor_share_an_execution(
    database: Database, make_tenants: TenantFactory
) -> None:
    tenants = await tenants_with_work(database, make_tenants, 3, each=8)

    async def claim_until_empty() -> list[Claim]:
        claimed: list[Claim] = []
        while (next_claim := await claim_now(database, limit=3)) is not None:
            claimed.append(next_claim)
        return claimed

    results = await asyncio.gather(*(claim_until_empty() for _ in range(12)))

    claimed = [c for result in results for c in result]
    assert len(claimed) == 9
    assert len({c.execution_id for c in claimed}) == 9
    assert await running_per_tenant(database) == Counter(dict.fromkeys(tenants, 3))


async def claim_many(database: Database, count: int, *, limit: int = 100) -> list[Claim]:
    async with database.session() as session:
        claims = await claim_batch(session, owner="test", lease_seconds=30, max_running_per_tenant=limit, limit=count)
        await session.commit()
    return claims


async def test_a_batch_takes_turns_across_tenants_oldest_first(database: Database, make_tenants: TenantFactory) -> None:
    busy, small, middle = await make_tenants(3)
    busy_executions = await enqueue_many(database, busy, 30)
    small_executions = await enqueue_many(database, small, 1)
    middle_executions = await enqueue_many(database, middle, 5)

    claims = await claim_many(database, 7)

    tenants = [claim.tenant_id for claim in claims]
    # Every tenant's first, then every tenant's second, in the same order of tenants; the small one has no second.
    assert set(tenants[:3]) == {busy, small, middle}
    assert tenants[3:5] == [tenant for tenant in tenants[:3] if tenant != small]
    assert tenants[5:7] == tenants[3:5]
    assert [c.execution_id for c in claims if c.tenant_id == busy] == busy_executions[:3]
    assert [c.execution_id for c in claims if c.tenant_id == middle] == middle_executions[:3]
    assert [c.execution_id for c in claims if c.tenant_id == small] == small_executions
    assert all(c.lease_token == 1 and c.claims == 1 and c.cancel_requested is False for c in claims)


async def test_a_batch_gives_no_tenant_more_than_its_room_below_the_limit(
    database: Database, make_tenants: TenantFactory
) -> None:
    busy, other = await make_tenants(2)
    await enqueue_many(database, busy, 10)
    await enqueue_many(database, other, 10)
    assert await claim_now(database, limit=3) is not None

    claims = await claim_many(database, 10, limit=3)

    assert len(claims) == 5
    assert await running_per_tenant(database) == Counter({busy: 3, other: 3})
    assert await claim_many(database, 10, limit=3) == []


async def test_the_next_batch_starts_with_the_tenants_the_last_one_left_out(
    database: Database, make_tenants: TenantFactory
) -> None:
    tenants = await tenants_with_work(database, make_tenants, 3, each=4)

    first = [claim.tenant_id for claim in await claim_many(database, 2)]
    second = [claim.tenant_id for claim in await claim_many(database, 3)]

    (left_out,) = set(tenants) - set(first)
    assert second == [left_out, *first]


async def test_concurrent_batches_never_exceed_the_limit_nor_share_an_execution(
    database: Database, make_tenants: TenantFactory
) -> None:
    tenants = await tenants_with_work(database, make_tenants, 3, each=8)

    results = await asyncio.gather(*(claim_many(database, 4, limit=5) for _ in range(6)))

    claimed = [c for result in results for c in result]
    assert len(claimed) == 15
    assert len({c.execution_id for c in claimed}) == 15
    assert await running_per_tenant(database) == Counter(dict.fromkeys(tenants, 5))


async def test_enqueueing_twice_queues_once(database: Database, make_tenants: TenantFactory) -> None:
    (tenant,) = await make_tenants(1)
    execution_id = uuid.uuid4()
    async with database.session() as session:
        await enqueue(session, tenant_id=tenant, execution_id=execution_id)
        await enqueue(session, tenant_id=tenant, execution_id=execution_id)
        await session.commit()
        assert await queued_count(session) == 1


async def test_enqueue_commits_with_the_callers_transaction(database: Database, make_tenants: TenantFactory) -> None:
    (tenant,) = await make_tenants(1)
    execution_id = uuid.uuid4()
    async with database.session() as session:
        await enqueue(session, tenant_id=tenant, execution_id=execution_id)
        await session.rollback()
    assert await queue_row(database, execution_id) is None


async def test_fence_and_release_hold_only_for_the_current_token(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    (execution_id,) = await enqueue_many(database, tenant, 1)
    first = await claim_now(database, lease_seconds=0)
    assert first is not None
    assert await reap_now(database) == 1
    second = await claim_now(database)
    assert second is not None
    assert second.lease_token > first.lease_token

    async with database.session() as session:
        with pytest.raises(LeaseLost):
            await fence(session, first)
        with pytest.raises(LeaseLost):
            await release(session, first)
        await fence(session, second)
        await release(session, second)
        await session.commit()
    assert await queue_row(database, execution_id) is None

    async with database.session() as session:
        with pytest.raises(LeaseLost):
            await fence(session, second)
        with pytest.raises(LeaseLost):
            await release(session, second)


async def test_a_queued_execution_is_not_fenced_for_anyone(database: Database, make_tenants: TenantFactory) -> None:
    (tenant,) = await make_tenants(1)
    (execution_id,) = await enqueue_many(database, tenant, 1)
    async with database.session() as session:
        with pytest.raises(LeaseLost):
            await fence(session, Claim(execution_id=execution_id, tenant_id=tenant, lease_token=0, claims=0))


async def test_cancelling_a_queued_execution_takes_it_out_of_the_queue(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    (execution_id,) = await enqueue_many(database, tenant, 1)
    async with database.session() as session:
        assert await request_cancel(session, execution_id) == "queued"
        await session.commit()
    assert await queue_row(database, execution_id) is None
    assert await claim_now(database) is None


async def test_cancelling_a_running_execution_flags_it_for_its_worker(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    (execution_id,) = await enqueue_many(database, tenant, 1)
    held = await claim_now(database)
    assert held is not None
    async with database.session() as session:
        assert await request_cancel(session, execution_id) == "running"
        await session.commit()
    row = await queue_row(database, execution_id)
    assert row is not None
    assert row.cancel_requested
    assert row.state == "running"


async def test_cancelling_an_execution_outside_the_queue_answers_none(database: Database) -> None:
    async with database.session() as session:
        assert await request_cancel(session, uuid.uuid4()) is None


async def test_the_reaper_requeues_expired_leases_then_fails_them_after_max_claims(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    (execution_id,) = await enqueue_many(database, tenant, 1)

    tokens = []
    for _ in range(3):
        expired = await claim_now(database, lease_seconds=0)
        assert expired is not None
        tokens.append(expired.lease_token)
        assert await reap_now(database) == 1
    assert tokens == [1, 3, 5]

    assert await queue_row(database, execution_id) is None
    calls = await hook_calls_of(database, execution_id)
    assert [kind for kind, _ in calls] == ["requeued", "requeued", "abandoned"]
    assert "lease expired" in calls[0][1]
    assert calls[-1][1] == "the worker stopped answering 3 times (lease expired)"


async def test_a_requeued_execution_keeps_its_place_and_its_claims(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    older, _ = await enqueue_many(database, tenant, 2)
    expired = await claim_now(database, lease_seconds=0)
    assert expired is not None
    assert expired.execution_id == older
    await reap_now(database)

    again = await claim_now(database)
    assert again is not None
    assert (again.execution_id, again.lease_token, again.claims) == (older, 3, 2)


async def test_the_reaper_leaves_live_and_busy_leases_alone(database: Database, make_tenants: TenantFactory) -> None:
    (tenant,) = await make_tenants(1)
    await enqueue_many(database, tenant, 2)
    await claim_now(database, lease_seconds=30)
    expired = await claim_now(database, lease_seconds=0)
    assert expired is not None

    async with database.session() as holder:
        # The holder is writing under its fence: the reaper skips the row rather than wait for it.
        await fence(holder, expired)
        assert await reap_now(database) == 0
        await holder.commit()
    assert await reap_now(database) == 1


async def test_one_execution_the_hooks_fail_on_does_not_hold_up_the_rest(
    database: Database, make_tenants: TenantFactory
) -> None:
    (tenant,) = await make_tenants(1)
    await enqueue_many(database, tenant, 2)
    broken = await claim_now(database, lease_seconds=0)
    healthy = await claim_now(database, lease_seconds=0)
    assert broken is not None
    assert healthy is not None
    broken_id = broken.execution_id

    class FailingOnOne(RecordingHooks):
        async def requeued(
            self, session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, reason: str
        ) -> None:
            if execution_id == broken_id:
                raise RuntimeError("the tenant's rows cannot be written")
            await super().requeued(session, tenant_id=tenant_id, execution_id=execution_id, reason=reason)

    async with database.session() as session:
        assert await reap(session, max_claims=3, hooks=FailingOnOne()) == 1
        await session.commit()

    broken_row = await queue_row(database, broken.execution_id)
    healthy_row = await queue_row(database, healthy.execution_id)
    assert broken_row is not None
    assert (broken_row.state, broken_row.lease_token) == ("running", broken.lease_token)
    assert healthy_row is not None
    assert healthy_row.state == "queued"
    assert await hook_calls_of(database, broken.execution_id) == []
