"""The execution queue in ``public.execution_queue``: queueing, fencing tokens, cancellation and the reaper
(fair claims are in ``claims``). Every function works in the caller's session and never commits, so queueing
an execution commits together with the execution row itself."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlalchemy import Table, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.models.execution_queue import QueuedExecution

logger = logging.getLogger(__name__)

QUEUED = "queued"
RUNNING = "running"

_queue: Table = QueuedExecution.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Claim:
    """The right to run one execution, as long as ``lease_token`` is still the row's token."""

    execution_id: uuid.UUID
    tenant_id: uuid.UUID
    lease_token: int
    claims: int
    # How long it had been queued when claimed; the first claim's is the wait before it started.
    waited_seconds: float = 0.0
    # The trace the run continues (the W3C headers stored when it was queued), if it was traced.
    trace_context: Mapping[str, str] | None = field(default=None, compare=False)
    # Whether a cancellation was asked when it was claimed; None when not known (a claim made by hand), which
    # has the lease read it before the run starts.
    cancel_requested: bool | None = field(default=None, compare=False)


class LeaseLost(Exception):
    """The lease moved on (expired and taken by another worker) or the execution left the queue."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(f"the lease {claim.lease_token} on execution {claim.execution_id} is no longer held")
        self.claim = claim


class ExecutionHooks(Protocol):
    """What the executions code does to the tenant's rows when the reaper settles a lease; called inside
    the reaper's transaction with its session."""

    async def requeued(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, reason: str
    ) -> None: ...

    async def abandoned(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, reason: str
    ) -> None: ...


async def enqueue(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    execution_id: uuid.UUID,
    trace_context: Mapping[str, str] | None = None,
) -> None:
    """Queue an execution; queueing one that is already there changes nothing."""
    statement = (
        insert(_queue)
        .values(
            execution_id=execution_id,
            tenant_id=tenant_id,
            state=QUEUED,
            enqueued_at=func.clock_timestamp(),
            lease_token=0,
            claims=0,
            cancel_requested=False,
            trace_context=dict(trace_context) if trace_context else None,
        )
        .on_conflict_do_nothing(index_elements=[_queue.c.execution_id])
    )
    await session.execute(statement)


async def queued_count(session: AsyncSession) -> int:
    """Executions waiting for a worker, across every tenant (the rows of settled ones are gone)."""
    statement = select(func.count()).select_from(_queue).where(_queue.c.state == QUEUED)
    return int((await session.execute(statement)).scalar_one())


async def fence(session: AsyncSession, claim: Claim) -> None:
    """Check that ``claim`` still holds its lease and keep it from being taken until the transaction ends.
    Run it first in every write transaction of the holder."""
    held = await session.execute(
        select(_queue.c.execution_id)
        .where(
            _queue.c.execution_id == claim.execution_id,
            _queue.c.lease_token == claim.lease_token,
            _queue.c.state == RUNNING,
        )
        .with_for_update(read=True)
    )
    if held.scalar_one_or_none() is None:
        raise LeaseLost(claim)


async def fence_many(session: AsyncSession, claims: Collection[Claim]) -> set[uuid.UUID]:
    """``fence`` for several claims in one query: the executions whose claim still holds its lease, each kept from
    being taken until the transaction ends."""
    if not claims:
        return set()
    held = await session.execute(
        select(_queue.c.execution_id)
        .where(
            tuple_(_queue.c.execution_id, _queue.c.lease_token).in_(
                [(claim.execution_id, claim.lease_token) for claim in claims]
            ),
            _queue.c.state == RUNNING,
        )
        .with_for_update(read=True)
    )
    return set(held.scalars())


async def release(session: AsyncSession, claim: Claim) -> None:
    """Take a settled execution out of the queue, if ``claim`` still holds it."""
    released = await session.execute(
        delete(_queue)
        .where(_queue.c.execution_id == claim.execution_id, _queue.c.lease_token == claim.lease_token)
        .returning(_queue.c.execution_id)
    )
    if released.scalar_one_or_none() is None:
        raise LeaseLost(claim)


async def hand_back(session: AsyncSession, claim: Claim) -> None:
    """Queue a held execution again at once, for another worker, under a new token (the holder is fenced out).
    The holder is stopping, not failing, so this claim is not counted against ``max_claims``; the execution
    keeps its place in the queue."""
    handed = await session.execute(
        update(_queue)
        .where(
            _queue.c.execution_id == claim.execution_id,
            _queue.c.lease_token == claim.lease_token,
            _queue.c.state == RUNNING,
        )
        .values(
            state=QUEUED,
            lease_token=_queue.c.lease_token + 1,
            claims=func.greatest(_queue.c.claims - 1, 0),
            lease_owner=None,
            lease_expires_at=None,
        )
        .returning(_queue.c.execution_id)
    )
    if handed.scalar_one_or_none() is None:
        raise LeaseLost(claim)


async def expire_lease(session: AsyncSession, claim: Claim) -> None:
    """Give a lease up at once, so the reaper settles the execution at its next pass instead of waiting
    for the lease to run out; nothing happens if the lease already moved on."""
    await session.execute(
        update(_queue)
        .where(_queue.c.execution_id == claim.execution_id, _queue.c.lease_token == claim.lease_token)
        .values(lease_expires_at=func.clock_timestamp())
    )


async def request_cancel(session: AsyncSession, execution_id: uuid.UUID) -> Literal["queued", "running"] | None:
    """A queued execution leaves the queue (the caller marks it cancelled); a running one is flagged for
    its worker, which sees the flag at its next heartbeat. None when the execution is not in the queue."""
    state = (
        await session.execute(select(_queue.c.state).where(_queue.c.execution_id == execution_id).with_for_update())
    ).scalar_one_or_none()
    if state == QUEUED:
        await session.execute(delete(_queue).where(_queue.c.execution_id == execution_id))
        return "queued"
    if state == RUNNING:
        await session.execute(update(_queue).where(_queue.c.execution_id == execution_id).values(cancel_requested=True))
        return "running"
    return None


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


async def reap(session: AsyncSession, *, max_claims: int, hooks: ExecutionHooks, batch: int = 100) -> int:
    """Settle up to ``batch`` running executions whose lease expired: queued again with a new token (the
    old holder is fenced out) while claims remain, failed for good otherwise. Rows a holder is writing
    right now are skipped. Returns how many were settled."""
    expired = (
        await session.execute(
            select(_queue.c.execution_id, _queue.c.tenant_id, _queue.c.claims)
            .where(_queue.c.state == RUNNING, _queue.c.lease_expires_at < func.clock_timestamp())
            .order_by(_queue.c.lease_expires_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    ).all()
    settled = 0
    for execution_id, tenant_id, claims in expired:
        try:
            # A savepoint per execution: one whose tenant rows cannot be written does not hold up the rest.
            async with session.begin_nested():
                if claims < max_claims:
                    await session.execute(
                        update(_queue)
                        .where(_queue.c.execution_id == execution_id)
                        .values(
                            state=QUEUED,
                            lease_token=_queue.c.lease_token + 1,
                            lease_owner=None,
                            lease_expires_at=None,
                        )
                    )
                    used = f"{claims} of {max_claims} claims used"
                    reason = f"the worker stopped answering (lease expired); queued again, {used}"
                    await hooks.requeued(session, tenant_id=tenant_id, execution_id=execution_id, reason=reason)
                else:
                    await session.execute(delete(_queue).where(_queue.c.execution_id == execution_id))
                    reason = f"the worker stopped answering {_times(claims)} (lease expired)"
                    await hooks.abandoned(session, tenant_id=tenant_id, execution_id=execution_id, reason=reason)
        except Exception:
            logger.exception("could not settle execution %s after its lease expired; trying again later", execution_id)
            continue
        settled += 1
    return settled
