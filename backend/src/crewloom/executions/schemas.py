"""Request and response bodies of the executions API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ExecutionStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class ExecuteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inputs: dict[str, Any] = Field(default_factory=dict, description="Values for the fields of the input node")
    version: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="The flow version to run; the latest when omitted"
    )


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inputs: dict[str, Any] = Field(default_factory=dict, description="Values for the fields of the input node")


class KickoffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inputs: dict[str, Any] = Field(default_factory=dict, description="Values for the crew's {placeholders}")


class ExecutionStarted(BaseModel):
    id: uuid.UUID
    status: ExecutionStatus
    events_url: str


class Totals(BaseModel):
    tokens_in: int
    tokens_out: int
    cost: float | None
    model_calls: int


class ExecutionSummary(BaseModel):
    id: uuid.UUID
    kind: Literal["flow", "crew", "agent"]
    flow_id: uuid.UUID | None
    flow_version_id: uuid.UUID | None
    crew_id: uuid.UUID | None
    retry_of: uuid.UUID | None
    status: ExecutionStatus
    error: str | None
    attempts: int
    created_by: uuid.UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    tokens_in: int = Field(description="Tokens sent to models, summed when the run ended")
    tokens_out: int = Field(description="Tokens models answered, summed when the run ended")
    cost: float | None = Field(description="What the run's model calls cost, when the prices are known")


class NodeRunOut(BaseModel):
    node_id: str
    node_type: str
    status: Literal["running", "succeeded", "failed", "skipped", "cancelled"]
    inputs: dict[str, Any]
    output: Any
    details: dict[str, Any]
    error: str | None
    attempts: int
    reused: bool
    tokens_in: int
    tokens_out: int
    cost: float | None
    model_calls: int
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None


class ExecutionDetail(ExecutionSummary):
    graph: dict[str, Any] = Field(description="The graph this run ran, as saved in its flow version")
    inputs: dict[str, Any]
    outputs: dict[str, Any] | None
    last_event_id: int
    totals: Totals
    nodes: list[NodeRunOut]


class RunResult(BaseModel):
    """The answer of ``POST /run/{flow_id}``: the outputs once finished, else where to follow it."""

    id: uuid.UUID
    status: ExecutionStatus
    outputs: dict[str, Any] | None = None
    error: str | None = None
    events_url: str
    execution_url: str
