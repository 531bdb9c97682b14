"""What a run reports while it goes: the caller persists and publishes these, the runtime only emits them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, kw_only=True)
class Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    # None while no call of the run has a known price.
    cost: float | None = None

    def __add__(self, other: Usage) -> Usage:
        costs = [cost for cost in (self.cost, other.cost) if cost is not None]
        return Usage(
            tokens_in=self.tokens_in + other.tokens_in,
            tokens_out=self.tokens_out + other.tokens_out,
            cost=sum(costs) if costs else None,
        )


@dataclass(frozen=True, kw_only=True)
class InputProblem:
    field: str
    message: str


@dataclass(frozen=True, kw_only=True)
class RunStarted:
    inputs: dict[str, Any]
    type: Literal["run_started"] = "run_started"


@dataclass(frozen=True, kw_only=True)
class NodeStarted:
    node_id: str
    attempt: int
    # The node's templates as rendered for this attempt, by field path; for an input node, the inputs.
    inputs: dict[str, Any] = field(default_factory=dict)
    type: Literal["node_started"] = "node_started"


@dataclass(frozen=True, kw_only=True)
class NodeLog:
    node_id: str
    message: str
    type: Literal["node_log"] = "node_log"


@dataclass(frozen=True, kw_only=True)
class NodeToken:
    node_id: str
    text: str
    type: Literal["node_token"] = "node_token"


@dataclass(frozen=True, kw_only=True)
class AgentThought:
    node_id: str
    agent: str
    text: str
    type: Literal["agent_thought"] = "agent_thought"


@dataclass(frozen=True, kw_only=True)
class ToolCalled:
    node_id: str
    tool: str
    arguments: Any
    agent: str | None = None
    type: Literal["tool_called"] = "tool_called"


@dataclass(frozen=True, kw_only=True)
class ToolReturned:
    node_id: str
    tool: str
    output: str
    agent: str | None = None
    type: Literal["tool_returned"] = "tool_returned"


@dataclass(frozen=True, kw_only=True)
class TaskCompleted:
    node_id: str
    task: str
    agent: str
    output: Any
    type: Literal["task_completed"] = "task_completed"


@dataclass(frozen=True, kw_only=True)
class NodeSucceeded:
    node_id: str
    output: Any
    usage: Usage
    attempt: int
    # What the node produced besides its output, e.g. each task's output of a crew.
    details: dict[str, Any] = field(default_factory=dict)
    # Taken as-is from a previous execution instead of being run again.
    reused: bool = False
    type: Literal["node_succeeded"] = "node_succeeded"


@dataclass(frozen=True, kw_only=True)
class NodeFailed:
    node_id: str
    error: str
    attempt: int
    will_retry: bool
    type: Literal["node_failed"] = "node_failed"


@dataclass(frozen=True, kw_only=True)
class NodeSkipped:
    node_id: str
    reason: str
    type: Literal["node_skipped"] = "node_skipped"


@dataclass(frozen=True, kw_only=True)
class NodeCancelled:
    node_id: str
    type: Literal["node_cancelled"] = "node_cancelled"


@dataclass(frozen=True, kw_only=True)
class RunSucceeded:
    outputs: dict[str, Any]
    usage: Usage
    type: Literal["run_succeeded"] = "run_succeeded"


@dataclass(frozen=True, kw_only=True)
class RunFailed:
    error: str
    usage: Usage
    failed_nodes: list[str] = field(default_factory=list)
    input_problems: list[InputProblem] = field(default_factory=list)
    type: Literal["run_failed"] = "run_failed"


@dataclass(frozen=True, kw_only=True)
class RunCancelled:
    usage: Usage
    type: Literal["run_cancelled"] = "run_cancelled"


TERMINAL_TYPES = frozenset({"run_succeeded", "run_failed", "run_cancelled"})

RunEvent = (
    RunStarted
    | NodeStarted
    | NodeLog
    | NodeToken
    | AgentThought
    | ToolCalled
    | ToolReturned
    | TaskCompleted
    | NodeSucceeded
    | NodeFailed
    | NodeSkipped
    | NodeCancelled
    | RunSucceeded
    | RunFailed
    | RunCancelled
)
