"""What the runtime calls outside itself: the model gateway and the agent, crew and tool runners, all
injected so that the worker, the CLI and tests each supply their own."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from crewloom.engine.nodes import AgentConfig, CrewConfig, ToolConfig
from crewloom.engine.runtime.events import NodeLog, NodeToken, RunEvent, Usage
from crewloom.llm.gateway import ChatMessage, Completion, ProviderConfig, ProviderType
from crewloom.llm.gateway import complete as gateway_complete


@dataclass(frozen=True, kw_only=True)
class NodeResult:
    output: Any
    usage: Usage = field(default_factory=Usage)


class NodeReporter:
    """How a handler reports progress of its node while it runs."""

    def __init__(self, node_id: str, emit: Callable[[RunEvent], Awaitable[None]]) -> None:
        self.node_id = node_id
        self._emit = emit

    async def log(self, message: str) -> None:
        await self._emit(NodeLog(node_id=self.node_id, message=message))

    async def token(self, text: str) -> None:
        await self._emit(NodeToken(node_id=self.node_id, text=text))


class Complete(Protocol):
    async def __call__(
        self,
        provider_id: uuid.UUID,
        model: str,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None,
        temperature: float | None,
    ) -> Completion: ...


class RunAgent(Protocol):
    async def __call__(self, config: AgentConfig, task: str, reporter: NodeReporter) -> NodeResult: ...


class RunCrew(Protocol):
    async def __call__(self, config: CrewConfig, inputs: Mapping[str, str], reporter: NodeReporter) -> NodeResult: ...


class RunTool(Protocol):
    async def __call__(
        self, config: ToolConfig, arguments: Mapping[str, str], reporter: NodeReporter
    ) -> NodeResult: ...


@dataclass(frozen=True, kw_only=True)
class RunServices:
    complete: Complete | None = None
    run_agent: RunAgent | None = None
    run_crew: RunCrew | None = None
    run_tool: RunTool | None = None


async def mock_complete(
    provider_id: uuid.UUID,
    model: str,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int | None,
    temperature: float | None,
) -> Completion:
    """The gateway's offline mock provider, whatever provider the node names."""
    return await gateway_complete(
        ProviderConfig(type=ProviderType.mock), model, messages, max_tokens=max_tokens, temperature=temperature
    )
