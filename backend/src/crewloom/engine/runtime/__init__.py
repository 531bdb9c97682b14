"""The runtime: a validated graph plus inputs become node runs and events, with no HTTP nor database."""

from crewloom.engine.runtime.context import InputsInvalid, NodeError, coerce_inputs
from crewloom.engine.runtime.events import (
    InputProblem,
    NodeCancelled,
    NodeFailed,
    NodeLog,
    NodeSkipped,
    NodeStarted,
    NodeSucceeded,
    NodeToken,
    RunCancelled,
    RunEvent,
    RunFailed,
    RunStarted,
    RunSucceeded,
    Usage,
)
from crewloom.engine.runtime.results import NodeOutcome, NodeStatus, RunOutcome, RunStatus
from crewloom.engine.runtime.runner import run_flow
from crewloom.engine.runtime.services import NodeReporter, NodeResult, RunServices, mock_complete

__all__ = [
    "InputProblem",
    "InputsInvalid",
    "NodeCancelled",
    "NodeError",
    "NodeFailed",
    "NodeLog",
    "NodeOutcome",
    "NodeReporter",
    "NodeResult",
    "NodeSkipped",
    "NodeStarted",
    "NodeStatus",
    "NodeSucceeded",
    "NodeToken",
    "RunCancelled",
    "RunEvent",
    "RunFailed",
    "RunOutcome",
    "RunServices",
    "RunStarted",
    "RunStatus",
    "RunSucceeded",
    "Usage",
    "coerce_inputs",
    "mock_complete",
    "run_flow",
]
