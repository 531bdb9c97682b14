"""A model gateway for the bridge tests: each model answers from its own script, and every call is kept."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from crewloom.engine.bridge import AgentSpec, ModelBinding, ToolSpec
from crewloom.engine.runtime import OnToken
from crewloom.llm.gateway import ChatMessage, Completion

PROVIDER = uuid.uuid4()
TOKENS_IN, TOKENS_OUT, COST = 7, 3, 0.25

# A step of a script: the reply, an error to raise, or a coroutine function giving the reply.
Step = str | Exception | Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class Call:
    model: str
    messages: list[ChatMessage]
    node_id: str
    temperature: float | None

    def text(self) -> str:
        return "\n".join(message.content for message in self.messages)


@dataclass
class ScriptedComplete:
    scripts: dict[str, list[Step]]
    latency: float = 0.0
    calls: list[Call] = field(default_factory=list)

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
        assert provider_id == PROVIDER
        self.calls.append(Call(model, list(messages), node_id, temperature))
        step = self.scripts[model].pop(0)
        if isinstance(step, Exception):
            raise step
        reply = step if isinstance(step, str) else await step()
        await asyncio.sleep(self.latency)
        return Completion(text=reply, model=model, tokens_in=TOKENS_IN, tokens_out=TOKENS_OUT, latency_ms=0, cost=COST)

    def of(self, model: str) -> list[Call]:
        return [call for call in self.calls if call.model == model]


def agent(name: str, model: str, tools: list[ToolSpec] | None = None) -> AgentSpec:
    return AgentSpec(
        name=name,
        role=f"{name.title()} role",
        goal=f"Do the {name} work well",
        backstory=f"A seasoned {name}",
        llm=ModelBinding(provider_id=PROVIDER, model=model, temperature=0.2),
        tools=tools or [],
    )


def final(answer: str, thought: str = "I know the answer") -> str:
    return f"Thought: {thought}\nFinal Answer: {answer}"


def action(tool: str, arguments: str, thought: str = "I should use a tool") -> str:
    return f"Thought: {thought}\nAction: {tool}\nAction Input: {arguments}"


async def wait_for_thread_end(prefix: str, limit: float = 20.0) -> None:
    """Waits, bounded, until no thread named ``prefix``... runs any more."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while any(thread.name.startswith(prefix) for thread in threading.enumerate()):
        assert loop.time() < deadline, f"a {prefix} thread is still running"
        await asyncio.sleep(0.02)
