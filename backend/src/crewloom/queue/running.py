"""What every dispatcher does with the queue: claim executions, run each under a lease, and reap expired
leases. Each step runs in its own short transaction."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Protocol

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.observability.metrics import queue_waited
from crewloom.observability.tracing import execution_span
from crewloom.queue.claims import claim_batch
from crewloom.queue.lease import Lease
from crewloom.queue.store import Claim, ExecutionHooks, expire_lease, reap

logger = logging.getLogger(__name__)

# Runs one claimed execution to a settled state, fencing each of its writes and releasing the claim.
ExecutionRunner = Callable[[Claim, Lease], Awaitable[None]]


class Dispatcher(Protocol):
    """Hands queued executions to whatever runs them. The queue row is the work; a dispatcher only makes
    sure someone looks at it soon."""

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Stop claiming. Running executions finish within a grace period or are left to the reaper,
        which takes them once their lease expires."""

    async def ensure_available(self) -> None:
        """Raise ``ServiceUnavailable`` when new work could not be dispatched now."""

    async def submitted(self) -> None:
        """Called once the transaction that queued an execution committed."""


def lease_owner(node: str | None = None) -> str:
    """Who holds a lease, for people reading the queue: the worker node (by default this machine's local
    dispatcher) and its process."""
    return f"{node or 'local@' + socket.gethostname()}:{os.getpid()}"


async def claim_up_to(database: Database, settings: Settings, owner: str, limit: int) -> list[Claim]:
    """Up to ``limit`` executions claimed fairly for ``owner``, in one transaction."""
    async with database.session() as session:
        claims = await claim_batch(
            session,
            owner=owner,
            lease_seconds=settings.lease_seconds,
            max_running_per_tenant=settings.max_running_per_tenant,
            limit=limit,
        )
        await session.commit()
    for claim in claims:
        if claim.claims == 1:
            queue_waited(claim.waited_seconds)
    return claims


async def run_claimed(
    database: Database,
    settings: Settings,
    runner: ExecutionRunner,
    claim: Claim,
    *,
    hand_back: asyncio.Event | None = None,
) -> None:
    """Run ``claim`` under a heartbeating lease, in the trace it was queued in. A runner that crashes gives its
    lease up at once, so the reaper queues the execution again (or fails it) at its next pass rather than after
    a whole lease. ``hand_back`` is the process's own: set, it asks the run to give the execution back."""
    try:
        with execution_span(claim.tenant_id, claim.execution_id, claim.trace_context):
            async with Lease(
                database,
                claim,
                lease_seconds=settings.lease_seconds,
                heartbeat_seconds=settings.heartbeat_seconds,
                hand_back=hand_back,
            ) as lease:
                await runner(claim, lease)
    except Exception:
        logger.exception("the run of execution %s failed; its lease is given up", claim.execution_id)
        try:
            async with database.session() as session:
                await expire_lease(session, claim)
                await session.commit()
        except Exception:
            logger.warning(
                "could not give up the lease on execution %s; it runs out", claim.execution_id, exc_info=True
            )


async def reap_expired(database: Database, settings: Settings, hooks: ExecutionHooks) -> int:
    """Settle every execution whose lease expired, a batch per transaction."""
    total = 0
    while True:
        async with database.session() as session:
            settled = await reap(session, max_claims=settings.max_claims, hooks=hooks)
            await session.commit()
        total += settled
        if settled == 0:
            return total
