"""Claiming queued executions fairly: round-robin across tenants, each tenant's oldest first, no tenant above its
running limit. A worker with room for several runs claims them all in one statement, so its claims cost one round
trip however many it takes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import (
    CTE,
    Integer,
    Interval,
    ScalarSelect,
    Select,
    String,
    Table,
    bindparam,
    func,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.models.dispatch_turn import DispatchTurn
from crewloom.models.execution_queue import QueuedExecution
from crewloom.queue.store import QUEUED, RUNNING, Claim

_queue: Table = QueuedExecution.__table__  # type: ignore[assignment]
_turns: Table = DispatchTurn.__table__  # type: ignore[assignment]

# Serialises claims across every process sharing the database, so the per-tenant limit holds; any
# fixed number does, as long as nothing else in the database takes the same advisory lock.
_CLAIM_LOCK = select(func.pg_advisory_xact_lock(0x63726577_6C6F6F6D))
# Tenants served in one batch are ordered among themselves by when they were served in it, this far apart.
_TURN_STEP = timedelta(microseconds=1)


def _queued_tenants() -> CTE:
    """Every tenant with queued work, found by skipping from one tenant to the next along the
    ``(tenant_id, state)`` index: its cost grows with the tenants waiting, not with the queue's depth."""
    first = select(_queue.c.tenant_id).where(_queue.c.state == QUEUED).order_by(_queue.c.tenant_id).limit(1)
    tenants = first.cte("queued_tenants", recursive=True)
    later = _queue.alias("later")
    following = (
        select(later.c.tenant_id)
        .where(later.c.state == QUEUED, later.c.tenant_id > tenants.c.tenant_id)
        .order_by(later.c.tenant_id)
        .limit(1)
        .scalar_subquery()
    )
    return tenants.union_all(select(following.label("tenant_id")).where(tenants.c.tenant_id.is_not(None)))


# The claim's parameters: the statement is built once, and only these change from one claim to the next.
_BATCH = bindparam("batch", type_=Integer)
_MAX_RUNNING = bindparam("max_running", type_=Integer)
_LEASE = bindparam("lease", type_=Interval)
_OWNER = bindparam("owner", type_=String)


def _running_count(tenants: CTE) -> ScalarSelect[int]:
    """How many executions of each of ``tenants`` are running, counting no further than the running limit."""
    rows = _queue.alias("running_rows")
    matching = (
        select(rows.c.execution_id)
        .where(rows.c.tenant_id == tenants.c.tenant_id, rows.c.state == RUNNING)
        .limit(_MAX_RUNNING)
        .correlate(tenants)
    )
    return select(func.count()).select_from(matching.subquery()).scalar_subquery()


def _fair_picks() -> CTE:
    """Up to ``batch`` queued executions in the order fairness gives them: every tenant's oldest first, the tenant
    that has waited longest for a claim (never-claimed tenants first) ahead, then every tenant's second, and so on;
    a tenant gets no more than its room below the running limit. ``position`` numbers them in that order."""
    tenants = _queued_tenants()
    candidates = _queue.alias("candidates")
    oldest_first = (candidates.c.enqueued_at, candidates.c.execution_id)
    # Each tenant's oldest few only: the cost grows with the batch, not with the queue's depth.
    per_tenant = (
        select(candidates.c.execution_id, func.row_number().over(order_by=oldest_first).label("turn"))
        .where(candidates.c.tenant_id == tenants.c.tenant_id, candidates.c.state == QUEUED)
        .order_by(*oldest_first)
        .limit(_BATCH)
        .lateral("per_tenant")
    )
    room = func.greatest(_MAX_RUNNING - _running_count(tenants), 0)
    fairness = (per_tenant.c.turn, _turns.c.last_claimed_at.asc().nulls_first(), tenants.c.tenant_id)
    picks = (
        select(per_tenant.c.execution_id, func.row_number().over(order_by=fairness).label("position"))
        .select_from(tenants.join(per_tenant, true()).outerjoin(_turns, _turns.c.tenant_id == tenants.c.tenant_id))
        .where(tenants.c.tenant_id.is_not(None), per_tenant.c.turn <= room)
        .order_by(*fairness)
        .limit(_BATCH)
    )
    return picks.cte("picks")


def _claim_statement() -> Select[tuple[object, ...]]:
    """Claims the fair picks and moves each claimed tenant's turn to the time of its last claim in the batch."""
    picks = _fair_picks()
    claimed = (
        update(_queue)
        .where(_queue.c.execution_id == picks.c.execution_id, _queue.c.state == QUEUED)
        .values(
            state=RUNNING,
            lease_token=_queue.c.lease_token + 1,
            claims=_queue.c.claims + 1,
            lease_owner=_OWNER,
            lease_expires_at=func.clock_timestamp() + _LEASE,
        )
        .returning(
            _queue.c.execution_id,
            _queue.c.tenant_id,
            _queue.c.lease_token,
            _queue.c.claims,
            func.extract("epoch", func.clock_timestamp() - _queue.c.enqueued_at).label("waited"),
            _queue.c.trace_context,
            _queue.c.cancel_requested,
            picks.c.position,
        )
        .cte("claimed")
    )
    # The statement's time, the same for every row (clock_timestamp() moves between rows); claims are serialised,
    # so it grows from one batch to the next.
    last_turns = select(
        claimed.c.tenant_id, func.statement_timestamp() + func.max(claimed.c.position) * _TURN_STEP
    ).group_by(claimed.c.tenant_id)
    turns = insert(_turns).from_select(["tenant_id", "last_claimed_at"], last_turns)
    turns = turns.on_conflict_do_update(
        index_elements=[_turns.c.tenant_id], set_={"last_claimed_at": turns.excluded.last_claimed_at}
    )
    return select(claimed).add_cte(turns.cte("turns")).order_by(claimed.c.position)


_CLAIM = _claim_statement()


async def claim_batch(
    session: AsyncSession, *, owner: str, lease_seconds: float, max_running_per_tenant: int, limit: int
) -> list[Claim]:
    """Claim up to ``limit`` queued executions for ``owner``, fairly (see ``_fair_picks``), in fairness order;
    an empty list when nothing may start now.

    Claims are serialised by a transaction-level advisory lock held until the caller's transaction ends,
    so commit at once."""
    if limit <= 0:
        return []
    await session.execute(_CLAIM_LOCK)
    parameters = {
        "batch": limit,
        "max_running": max_running_per_tenant,
        "lease": timedelta(seconds=lease_seconds),
        "owner": owner[:200],
    }
    rows = await session.execute(_CLAIM, parameters)
    return [
        Claim(
            execution_id=row.execution_id,
            tenant_id=row.tenant_id,
            lease_token=row.lease_token,
            claims=row.claims,
            waited_seconds=float(row.waited),
            trace_context=row.trace_context,
            cancel_requested=row.cancel_requested,
        )
        for row in rows
    ]
