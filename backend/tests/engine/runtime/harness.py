"""A run harness for the runtime tests: graphs checked by the validator, recorded events, scripted services."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from crewloom.engine.graph import Graph
from crewloom.engine.nodes import ToolConfig
from crewloom.engine.problems import KnownReferences
from crewloom.engine.runtime import (
    NodeOutcome,
    NodeReporter,
    NodeResult,
    OnToken,
    RunEvent,
    RunOutcome,
    RunServices,
    Usage,
    mock_complete,
    run_flow,
)
from crewloom.engine.validation import validate
from crewloom.llm.gateway import ChatMessage, Completion
from tests.flows.graphs import node

PROVIDER, TOOL, AGENT, CREW = (str(uuid.uuid4()) for _ in range(4))
KNOWN = KnownReferences(
    providers=frozenset({PROVIDER}), tools=frozenset({TOOL}), agents=frozenset({AGENT}), crews=frozenset({CREW})
)
E = TypeVar("E")


def llm(node_id: str, prompt: str, **config: Any) -> dict[str, Any]:
    return node(node_id, "llm", {"provider_id": PROVIDER, "model": "mock-1", "prompt": prompt, **config})


def tool(node_id: str, name: str, extra: dict[str, Any] | None = None, **arguments: str) -> dict[str, Any]:
    return node(node_id, "tool", {"tool_id": TOOL, "arguments": {"name": name, **arguments}}, **(extra or {}))


def condition(node_id: str, expression: str) -> dict[str, Any]:
    return node(node_id, "condition", {"expression": expression})


def build(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], policy: str = "stop") -> Graph:
    raw = {"nodes": nodes, "edges": edges, "settings": {"failure_policy": policy}}
    problems = validate(raw, KNOWN)
    assert problems == [], problems
    return Graph.model_validate(raw)


@dataclass
class Recorder:
    events: list[RunEvent] = field(default_factory=list)

    async def __call__(self, event: RunEvent) -> None:
        self.events.append(event)

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)]

    def types(self, node_id: str | None = None) -> list[str]:
        return [event.type for event in self.events if node_id is None or getattr(event, "node_id", None) == node_id]


ToolBehaviour = Callable[[Mapping[str, str], NodeReporter], Any]


@dataclass
class FakeTools:
    """Tools scripted by name: each call is timed on the loop clock, and a cancelled call is noted."""

    behaviours: dict[str, ToolBehaviour] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)

    async def __call__(self, config: ToolConfig, arguments: Mapping[str, str], reporter: NodeReporter) -> NodeResult:
        name = arguments["name"]
        self.calls.append(name)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            output = await self.behaviours[name](arguments, reporter)
        except asyncio.CancelledError:
            self.cancelled.add(name)
            raise
        self.spans[name] = (started, loop.time())
        return NodeResult(output=output, usage=Usage(tokens_in=1, tokens_out=1))


def sleeping(seconds: float, output: Any = "done") -> ToolBehaviour:
    async def behaviour(_arguments: Mapping[str, str], _reporter: NodeReporter) -> Any:
        await asyncio.sleep(seconds)
        return output

    return behaviour


def failing(message: str) -> ToolBehaviour:
    async def behaviour(_arguments: Mapping[str, str], _reporter: NodeReporter) -> Any:
        raise RuntimeError(message)

    return behaviour


@dataclass
class ScriptedModel:
    """A model that answers ``replies`` in turn, recording the messages it was sent."""

    replies: list[str]
    sent: list[Sequence[ChatMessage]] = field(default_factory=list)

    async def __call__(
        self,
        provider_id: uuid.UUID,
        model: str,
        messages: Sequence[ChatMessage],
        *,
        node_id: str,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: OnToken | None = None,
    ) -> Completion:
        self.sent.append(messages)
        return Completion(text=self.replies.pop(0), model=model, tokens_in=3, tokens_out=5, latency_ms=0)


async def run(
    graph: Graph,
    inputs: dict[str, Any] | None = None,
    *,
    services: RunServices | None = None,
    cancelled: Callable[[], bool] | asyncio.Event | None = None,
    reuse: dict[str, NodeOutcome] | None = None,
    concurrency: int = 4,
) -> tuple[RunOutcome, Recorder]:
    recorder = Recorder()
    outcome = await run_flow(
        graph,
        inputs or {},
        services=services or RunServices(complete=mock_complete),
        emit=recorder,
        cancelled=cancelled or asyncio.Event(),
        reuse=reuse,
        concurrency=concurrency,
    )
    return outcome, recorder
