"""What the runtime calls outside itself: the model gateway and the agent, crew and tool runners, all
injected so that the worker, the CLI and tests each supply their own."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from crewloom.engine.nodes import AgentConfig, CrewConfig, ToolConfig
from crewloom.engine.runtime.events import (
    AgentThought,
    NodeLog,
    NodeToken,
    RunEvent,
    TaskCompleted,
    ToolCalled,
    ToolReturned,
    Usage,
)
from crewloom.llm.gateway import ChatMessage, Completion, ProviderConfig, ProviderType
from crewloom.llm.gateway import complete as gateway_complete


@dataclass(frozen=True, kw_only=True)
class NodeResult:
    output: Any
    usage: Usage = field(default_factory=Usage)
    # What the node produced besides its output, e.g. each task's output of a crew.
    details: dict[str, Any] = field(default_factory=dict)


class NodeReporter:
    """How a handler reports progress of its node while it runs."""

    def __init__(self, node_id: str, emit: Callable[[RunEvent], Awaitable[None]]) -> None:
        self.node_id = node_id
        self._emit = emit

    async def log(self, message: str) -> None:
        await self._emit(NodeLog(node_id=self.node_id, message=message))

    async def token(self, text: str) -> None:
        await self._emit(NodeToken(node_id=self.node_id, text=text))

    async def thought(self, agent: str, text: str) -> None:
        await self._emit(AgentThought(node_id=self.node_id, agent=agent, text=text))

    async def tool_called(self, tool: str, arguments: Any, *, agent: str | None = None) -> None:
        await self._emit(ToolCalled(node_id=self.node_id, tool=tool, arguments=arguments, agent=agent))

    async def tool_returned(self, tool: str, output: str, *, agent: str | None = None) -> None:
        await self._emit(ToolReturned(node_id=self.node_id, tool=tool, output=output, agent=agent))

    async def task_completed(self, task: str, agent: str, output: Any) -> None:
        await self._emit(TaskCompleted(node_id=self.node_id, task=task, agent=agent, output=output))


OnToken = Callable[[str], Awaitable[None]]


class Complete(Protocol):
    """One model call on behalf of ``node_id``; the implementation records its usage. ``on_token``
    receives the reply as it streams, when the caller wants it."""

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
    node_id: str,
    max_tokens: int | None = None,
    temperature: float | None = None,
    on_token: OnToken | None = None,
) -> Completion:
    """The gateway's offline mock provider, whatever provider the node names."""
    return await gateway_complete(
        ProviderConfig(type=ProviderType.mock), model, messages, max_tokens=max_tokens, temperature=temperature
    )
