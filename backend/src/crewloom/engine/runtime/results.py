"""What a run and each of its nodes came to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from crewloom.engine.runtime.events import InputProblem, Usage

NodeStatus = Literal["succeeded", "failed", "skipped", "cancelled"]
RunStatus = Literal["succeeded", "failed", "cancelled"]


@dataclass(frozen=True, kw_only=True)
class NodeOutcome:
    status: NodeStatus
    output: Any = None
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    attempts: int = 0
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    status: RunStatus
    nodes: dict[str, NodeOutcome]
    # The outputs of the output nodes that succeeded, by node id.
    outputs: dict[str, Any] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    input_problems: list[InputProblem] = field(default_factory=list)
