"""Every query on executions, node runs, their events and model usage."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import DateTime, Executable, Integer, Result, String, Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.events import StoredEvent
from crewloom.kit.pagination import PageRequest, paginate
from crewloom.models import TENANT_SCHEMA, Execution, ExecutionEvent, LlmUsage, NodeRun

if TYPE_CHECKING:
    from crewloom.executions.recorder import NodeRunState

# Events read per query when a follower catches up from the log.
EVENT_PAGE = 500
_NODE_RUN_FIELDS = (
    "node_type",
    "status",
    "inputs",
    "output",
    "details",
    "error",
    "attempts",
    "reused",
    "tokens_in",
    "tokens_out",
    "cost",
    "started_at",
    "finished_at",
)
_INSERT_NODE_RUN = insert(NodeRun)
_UPSERT_NODE_RUNS = _INSERT_NODE_RUN.on_conflict_do_update(
    index_elements=[NodeRun.execution_id, NodeRun.node_id],
    set_={name: _INSERT_NODE_RUN.excluded[name] for name in _NODE_RUN_FIELDS},
)


def node_run_row(execution_id: uuid.UUID, node_id: str, state: NodeRunState) -> dict[str, Any]:
    """A node run as it stands now, as a row for ``upsert_node_runs``."""
    row: dict[str, Any] = {"execution_id": execution_id, "node_id": node_id}
    return row | {name: getattr(state, name) for name in _NODE_RUN_FIELDS}


class Progress(NamedTuple):
    """What a running execution's row gains from a flush; None leaves a column as it is."""

    row_id: uuid.UUID
    last_event_id: int | None
    status: str | None
    attempts: int | None
    # Only ever fills an empty started_at: a run handed back and resumed started at its first claim.
    started_at: datetime | None


_executions: Table = Execution.__table__  # type: ignore[assignment]
# Core, not ORM: executed with a list of rows, an ORM update would be a bulk update by primary key.
_RECORD_PROGRESS = (
    update(_executions)
    .where(_executions.c.id == bindparam("row_id"))
    .values(
        last_event_id=func.greatest(_executions.c.last_event_id, bindparam("last_event_id")),
        status=func.coalesce(bindparam("status", type_=String), _executions.c.status),
        attempts=func.coalesce(bindparam("attempts", type_=Integer), _executions.c.attempts),
        started_at=func.coalesce(_executions.c.started_at, bindparam("started_at", type_=DateTime(timezone=True))),
    )
)


class SettledExecution(NamedTuple):
    kind: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None


class ExecutionRepository:
    """``schema`` maps the tenant tables per statement, for a session that is not bound to the tenant
    (the reaper's, which works across tenants in one transaction)."""

    def __init__(self, session: AsyncSession, *, schema: str | None = None) -> None:
        self.session = session
        self._options: dict[str, Any] = {"schema_translate_map": {TENANT_SCHEMA: schema}} if schema else {}

    async def _execute(self, statement: Executable, rows: list[dict[str, Any]] | None = None) -> Result[Any]:
        return await self.session.execute(statement, rows, execution_options=self._options)

    async def add(self, execution: Execution) -> Execution:
        """Insert a new execution: what it was given, the columns' defaults for the rest. A Core insert, as the
        ORM's unit of work costs more than the statement; the object stays out of the session."""
        given = {name: value for name, value in vars(execution).items() if name in _executions.c}
        await self._execute(insert(_executions).values(given))
        return execution

    async def get(self, execution_id: uuid.UUID) -> Execution | None:
        return await self.session.get(Execution, execution_id)

    async def get_for_update(self, execution_id: uuid.UUID) -> Execution | None:
        statement = select(Execution).where(Execution.id == execution_id).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def page(
        self,
        request: PageRequest,
        *,
        flow_id: uuid.UUID | None,
        crew_id: uuid.UUID | None,
        status: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[list[Execution], str | None]:
        statement = select(Execution)
        if flow_id is not None:
            statement = statement.where(Execution.flow_id == flow_id)
        if crew_id is not None:
            statement = statement.where(Execution.crew_id == crew_id)
        if status is not None:
            statement = statement.where(Execution.status == status)
        if since is not None:
            statement = statement.where(Execution.created_at >= since)
        if until is not None:
            statement = statement.where(Execution.created_at < until)
        rows, cursor = await paginate(
            self.session,
            statement,
            request=request,
            sort=Execution.created_at,
            tiebreak=Execution.id,
            descending=True,
        )
        return list(rows), cursor

    async def update_execution(self, execution_id: uuid.UUID, values: Mapping[str, Any]) -> None:
        await self._execute(update(Execution).where(Execution.id == execution_id).values(**values))

    async def settle_execution(self, execution_id: uuid.UUID, values: Mapping[str, Any]) -> SettledExecution | None:
        """Write an execution's final state; what the metrics count of it, None when it is gone."""
        # Core, not ORM: nothing in the session needs synchronising, and the ORM's bookkeeping would cost more
        # than the statement.
        statement = (
            update(_executions)
            .where(_executions.c.id == execution_id)
            .values(**values)
            .returning(_executions.c.kind, _executions.c.status, _executions.c.started_at, _executions.c.finished_at)
        )
        row = (await self._execute(statement)).one_or_none()
        return SettledExecution(row.kind, row.status, row.started_at, row.finished_at) if row is not None else None

    async def next_event_id(self, execution_id: uuid.UUID) -> int | None:
        """Take the next event id for a writer that does not hold the lease (the reaper, a cancel);
        None when the execution is gone."""
        statement = (
            update(Execution)
            .where(Execution.id == execution_id)
            .values(last_event_id=Execution.last_event_id + 1)
            .returning(Execution.last_event_id)
        )
        found = (await self._execute(statement)).scalar_one_or_none()
        return int(found) if found is not None else None

    async def add_events(self, execution_id: uuid.UUID, events: Sequence[StoredEvent]) -> None:
        await self.add_event_batches({execution_id: events})

    async def add_event_batches(self, batches: Mapping[uuid.UUID, Sequence[StoredEvent]]) -> None:
        """The events of several executions, in one statement."""
        rows = [
            {
                "execution_id": execution_id,
                "id": event.id,
                "type": event.type,
                "node_id": event.node_id,
                "data": event.data,
                "created_at": event.at,
            }
            for execution_id, events in batches.items()
            for event in events
        ]
        if rows:
            await self._execute(insert(ExecutionEvent), rows)

    async def add_usage(self, usage: Sequence[LlmUsage]) -> None:
        """Model calls recorded by runs, written as rows: one statement for all of them, in whichever schema
        this repository maps to. Their ids and times come from the columns' defaults."""
        rows = [
            {
                "execution_id": call.execution_id,
                "node_id": call.node_id,
                "provider_id": call.provider_id,
                "provider_type": call.provider_type,
                "model": call.model,
                "tokens_in": call.tokens_in or 0,
                "tokens_out": call.tokens_out or 0,
                "cost": call.cost,
                "latency_ms": call.latency_ms or 0,
                "error": call.error,
            }
            for call in usage
        ]
        if rows:
            await self._execute(insert(LlmUsage), rows)

    async def record_progress(self, rows: Sequence[Progress]) -> None:
        """Where several running executions stand, in one statement executed once per row."""
        if rows:
            await self._execute(_RECORD_PROGRESS, [row._asdict() for row in rows])

    async def events_after(self, execution_id: uuid.UUID, after: int, limit: int = EVENT_PAGE) -> list[StoredEvent]:
        statement = (
            select(ExecutionEvent)
            .where(ExecutionEvent.execution_id == execution_id, ExecutionEvent.id > after)
            .order_by(ExecutionEvent.id)
            .limit(limit)
        )
        rows = (await self.session.execute(statement)).scalars()
        return [
            StoredEvent(id=row.id, type=row.type, node_id=row.node_id, data=row.data, at=row.created_at) for row in rows
        ]

    async def upsert_node_runs(self, rows: Sequence[dict[str, Any]]) -> None:
        """Rows made by ``node_run_row``, of any number of executions."""
        if rows:
            # Many rows of one statement, compiled once: a VALUES list of its own per flush compiles every time.
            await self._execute(_UPSERT_NODE_RUNS, list(rows))

    async def node_runs(self, execution_id: uuid.UUID) -> list[NodeRun]:
        statement = select(NodeRun).where(NodeRun.execution_id == execution_id).order_by(NodeRun.started_at, NodeRun.id)
        return list((await self.session.execute(statement)).scalars())

    async def mark_unsettled_node_runs(self, execution_id: uuid.UUID, status: str, error: str, at: datetime) -> None:
        statement = (
            update(NodeRun)
            .where(NodeRun.execution_id == execution_id, NodeRun.status == "running")
            .values(status=status, error=error, finished_at=at)
        )
        await self._execute(statement)

    async def usage_by_node(self, execution_id: uuid.UUID) -> dict[str, tuple[int, float | None]]:
        """Model calls and their cost per node: the gateway's own record, failed calls included."""
        statement = (
            select(LlmUsage.node_id, func.count(), func.sum(LlmUsage.cost))
            .where(LlmUsage.execution_id == execution_id)
            .group_by(LlmUsage.node_id)
        )
        rows = await self.session.execute(statement)
        return {str(node_id): (int(calls), float(cost) if cost is not None else None) for node_id, calls, cost in rows}
