"""Executions: start runs of flows and crews, list and inspect them, follow their events over SSE,
cancel and retry them; and ``POST /run/{flow_id}`` for programs holding an API key."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from crewloom.app import API_PREFIX
from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, AppSettings, Principal, TenantSession
from crewloom.crews.repository import CrewRepository
from crewloom.db.engine import Database
from crewloom.db.session import get_database, unit_of_work
from crewloom.events import SSE_HEADERS, EventBus, parse_last_event_id
from crewloom.executions import service
from crewloom.executions.runner import SETTLED
from crewloom.executions.schemas import (
    ExecuteIn,
    ExecutionDetail,
    ExecutionStarted,
    ExecutionStatus,
    ExecutionSummary,
    KickoffIn,
    RunIn,
    RunResult,
)
from crewloom.flows.repository import FlowRepository
from crewloom.kit.pagination import Page, PageRequest, page_request
from crewloom.models import Crew, Execution, Flow
from crewloom.queue import Dispatcher

router = APIRouter(tags=["executions"])

Reader = Annotated[Principal, Depends(Allow(Resource.executions, Action.read))]
Operator = Annotated[Principal, Depends(Allow(Resource.executions, Action.execute))]
FlowRunner = Annotated[Principal, Depends(Allow(Resource.flows, Action.execute))]
CrewRunner = Annotated[Principal, Depends(Allow(Resource.crews, Action.execute))]
# How often ``?wait=true`` looks at the execution.
_WAIT_POLL_SECONDS = 0.05


def get_bus(request: Request) -> EventBus:
    bus: EventBus = request.app.state.bus
    return bus


async def ready_dispatcher(request: Request) -> Dispatcher:
    """The dispatcher, refusing with 503 before anything is written when it could not hand work on."""
    dispatcher: Dispatcher = request.app.state.dispatcher
    await dispatcher.ensure_available()
    return dispatcher


ReadyDispatcher = Annotated[Dispatcher, Depends(ready_dispatcher)]


async def _owned_execution(execution_id: uuid.UUID, session: TenantSession) -> Execution:
    return await service.find_execution(session, execution_id)


async def _owned_flow(flow_id: uuid.UUID, session: TenantSession) -> Flow:
    return await FlowRepository(session).get(flow_id)


async def _owned_crew(crew_id: uuid.UUID, session: TenantSession) -> Crew:
    return await CrewRepository(session).get(crew_id)


OwnedExecution = Annotated[Execution, Depends(_owned_execution)]
OwnedFlow = Annotated[Flow, Depends(_owned_flow)]
OwnedCrew = Annotated[Crew, Depends(_owned_crew)]


def _started(execution: Execution, dispatcher: Dispatcher, background: BackgroundTasks) -> ExecutionStarted:
    # Woken once the unit of work has committed, so the worker finds the row.
    background.add_task(dispatcher.submitted)
    return ExecutionStarted(id=execution.id, status="queued", events_url=_events_url(execution.id))


def _events_url(execution_id: uuid.UUID) -> str:
    return f"{API_PREFIX}/executions/{execution_id}/events"


@router.post(
    "/flows/{flow_id}/execute",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run a flow version (the latest unless `version` is given) with inputs for its input node",
)
async def execute_flow(
    payload: ExecuteIn,
    principal: FlowRunner,
    flow: OwnedFlow,
    session: TenantSession,
    dispatcher: ReadyDispatcher,
    background: BackgroundTasks,
) -> ExecutionStarted:
    execution = await service.start_flow(session, principal, flow, payload)
    return _started(execution, dispatcher, background)


@router.post(
    "/crews/{crew_id}/kickoff",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run a crew on its own, with a value for each of its {placeholders}",
)
async def kickoff_crew(
    payload: KickoffIn,
    principal: CrewRunner,
    crew: OwnedCrew,
    session: TenantSession,
    dispatcher: ReadyDispatcher,
    background: BackgroundTasks,
) -> ExecutionStarted:
    execution = await service.kickoff(session, principal, crew, payload)
    return _started(execution, dispatcher, background)


@router.get("/executions", summary="List executions, newest first")
async def list_executions(
    _principal: Reader,
    session: TenantSession,
    request: Annotated[PageRequest, Depends(page_request)],
    flow_id: Annotated[uuid.UUID | None, Query(description="Only runs of this flow")] = None,
    crew_id: Annotated[uuid.UUID | None, Query(description="Only kickoffs of this crew")] = None,
    status_is: Annotated[ExecutionStatus | None, Query(alias="status", description="Only in this status")] = None,
    since: Annotated[datetime | None, Query(description="Created at or after (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="Created before (ISO 8601)")] = None,
) -> Page[ExecutionSummary]:
    return await service.list_executions(
        session, request, flow_id=flow_id, crew_id=crew_id, status=status_is, since=since, until=until
    )


@router.get("/executions/{execution_id}", summary="An execution with every node run, its usage and cost")
async def get_execution(_principal: Reader, execution: OwnedExecution, session: TenantSession) -> ExecutionDetail:
    return await service.detail(session, execution)


@router.get(
    "/executions/{execution_id}/events",
    summary="Follow an execution over SSE; resume with the Last-Event-ID header (or ?last_event_id=)",
    response_class=StreamingResponse,
)
async def follow_events(
    principal: Reader,
    execution: OwnedExecution,
    settings: AppSettings,
    database: Annotated[Database, Depends(get_database)],
    bus: Annotated[EventBus, Depends(get_bus)],
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    last_event_id: Annotated[str | None, Query(max_length=20)] = None,
) -> StreamingResponse:
    after = parse_last_event_id(last_event_id_header, last_event_id)
    frames = service.events(
        database, principal.schema, bus, execution.id, after, heartbeat_seconds=settings.sse_heartbeat_seconds
    )
    return StreamingResponse(frames, media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/executions/{execution_id}/cancel", summary="Cancel a queued or running execution")
async def cancel_execution(
    principal: Operator,
    execution: OwnedExecution,
    session: TenantSession,
    bus: Annotated[EventBus, Depends(get_bus)],
    background: BackgroundTasks,
) -> ExecutionSummary:
    settled = await service.cancel(session, principal, execution)
    if settled is not None:
        # After the commit, so the bus never shows an event the log does not hold.
        background.add_task(service.publish_settled, bus, execution.id, settled)
    return service.summary(execution)


@router.post(
    "/executions/{execution_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run a failed or cancelled execution again, reusing the outputs of the nodes that succeeded",
)
async def retry_execution(
    principal: Operator,
    execution: OwnedExecution,
    session: TenantSession,
    dispatcher: ReadyDispatcher,
    background: BackgroundTasks,
) -> ExecutionStarted:
    copy = await service.retry(session, principal, execution)
    return _started(copy, dispatcher, background)


@router.post(
    "/run/{flow_id}",
    summary="Run a flow's published version (else its latest) for a program; ?wait=true answers with its outputs",
    responses={202: {"description": "Still running when the wait ended, or not waited for"}},
)
async def run_flow(
    flow_id: uuid.UUID,
    payload: RunIn,
    principal: FlowRunner,
    settings: AppSettings,
    database: Annotated[Database, Depends(get_database)],
    dispatcher: ReadyDispatcher,
    response: Response,
    wait: Annotated[bool, Query(description="Wait for the run to end (bounded by `timeout`)")] = False,
    wait_seconds: Annotated[float, Query(alias="timeout", gt=0, le=3600, description="Seconds to wait at most")] = 30.0,
) -> RunResult:
    # Its own unit of work: the execution must be committed before a worker can pick it up and this
    # request waits for it.
    async with unit_of_work(database, principal.schema) as session:
        flow = await FlowRepository(session).get(flow_id)
        execution = await service.start_flow(
            session, principal, flow, ExecuteIn(inputs=payload.inputs, version=flow.published_version)
        )
    await dispatcher.submitted()
    deadline = time.monotonic() + min(wait_seconds, settings.run_wait_max_seconds)
    while wait and execution.status not in SETTLED and time.monotonic() < deadline:
        await asyncio.sleep(_WAIT_POLL_SECONDS)
        async with database.session(principal.schema) as session:
            execution = await service.find_execution(session, execution.id)
    if execution.status not in SETTLED:
        response.status_code = status.HTTP_202_ACCEPTED
    return RunResult(
        id=execution.id,
        status=execution.status,
        outputs=execution.outputs,
        error=execution.error,
        events_url=_events_url(execution.id),
        execution_url=f"{API_PREFIX}/executions/{execution.id}",
    )
