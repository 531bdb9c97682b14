"""A runner and reaper hooks that record what they do in tables of their own, for tests in this process
and in worker subprocesses alike. A run follows its plan (steps, seconds per step): each step is a write
fenced by the claim's token, and the last one releases the claim."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import BigInteger, Column, DateTime, Float, Integer, MetaData, String, Table, Uuid, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.db.engine import Database
from crewloom.queue import Claim, Lease, LeaseLost, fence, release

RECORDING_SCHEMA = "queue_recording"

recording_metadata = MetaData(schema=RECORDING_SCHEMA)

plans = Table(
    "plans",
    recording_metadata,
    Column("execution_id", Uuid, primary_key=True),
    Column("steps", Integer, nullable=False),
    Column("step_seconds", Float, nullable=False),
)

# kind: step (a fenced write), done / cancelled (the settling write), fenced (a write the fence refused).
marks = Table(
    "marks",
    recording_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("execution_id", Uuid, nullable=False),
    Column("owner", String(100), nullable=False),
    Column("lease_token", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False),
)

hook_calls = Table(
    "hook_calls",
    recording_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("execution_id", Uuid, nullable=False),
    Column("tenant_id", Uuid, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("reason", String(500), nullable=False),
)


async def plan_run(database: Database, execution_id: uuid.UUID, *, steps: int, step_seconds: float) -> None:
    async with database.session() as session:
        await session.execute(insert(plans).values(execution_id=execution_id, steps=steps, step_seconds=step_seconds))
        await session.commit()


class RecordingRunner:
    def __init__(self, database: Database, owner: str) -> None:
        self._database = database
        self._owner = owner

    async def __call__(self, claim: Claim, lease: Lease) -> None:
        async with self._database.session() as session:
            plan = (await session.execute(select(plans).where(plans.c.execution_id == claim.execution_id))).first()
        steps, step_seconds = (plan.steps, plan.step_seconds) if plan is not None else (1, 0.0)
        try:
            for _ in range(steps):
                if lease.cancel_requested.is_set():
                    await self._write(claim, "cancelled", settle=True)
                    return
                await self._write(claim, "step")
                await asyncio.sleep(step_seconds)
            await self._write(claim, "done", settle=True)
        except LeaseLost:
            await self._record(claim, "fenced")

    async def _write(self, claim: Claim, kind: str, *, settle: bool = False) -> None:
        async with self._database.session() as session:
            await fence(session, claim)
            await self._insert_mark(session, claim, kind)
            if settle:
                await release(session, claim)
            await session.commit()

    async def _record(self, claim: Claim, kind: str) -> None:
        async with self._database.session() as session:
            await self._insert_mark(session, claim, kind)
            await session.commit()

    async def _insert_mark(self, session: AsyncSession, claim: Claim, kind: str) -> None:
        await session.execute(
            insert(marks).values(
                execution_id=claim.execution_id, owner=self._owner, lease_token=claim.lease_token, kind=kind
            )
        )


class RecordingHooks:
    async def requeued(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, reason: str
    ) -> None:
        await self._record(session, tenant_id, execution_id, "requeued", reason)

    async def abandoned(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, execution_id: uuid.UUID, reason: str
    ) -> None:
        await self._record(session, tenant_id, execution_id, "abandoned", reason)

    async def _record(
        self, session: AsyncSession, tenant_id: uuid.UUID, execution_id: uuid.UUID, kind: str, reason: str
    ) -> None:
        await session.execute(
            insert(hook_calls).values(execution_id=execution_id, tenant_id=tenant_id, kind=kind, reason=reason)
        )


async def marks_of(database: Database, execution_id: uuid.UUID) -> list[tuple[str, int, str]]:
    """(owner, lease token, kind) of every mark of an execution, in the order written."""
    async with database.session() as session:
        rows = await session.execute(
            select(marks.c.owner, marks.c.lease_token, marks.c.kind)
            .where(marks.c.execution_id == execution_id)
            .order_by(marks.c.id)
        )
        return [(row.owner, row.lease_token, row.kind) for row in rows]


async def hook_calls_of(database: Database, execution_id: uuid.UUID) -> list[tuple[str, str]]:
    """(kind, reason) of every reaper hook call on an execution, in order."""
    async with database.session() as session:
        rows = await session.execute(
            select(hook_calls.c.kind, hook_calls.c.reason)
            .where(hook_calls.c.execution_id == execution_id)
            .order_by(hook_calls.c.id)
        )
        return [(row.kind, row.reason) for row in rows]
