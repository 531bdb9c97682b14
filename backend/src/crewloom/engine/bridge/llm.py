"""The model of CrewAI agents: every call goes through the run's gateway on the run's event loop. Imports
CrewAI: loaded only in a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from crewai.llms.base_llm import BaseLLM
from crewai.utilities.message_utils import message_content_text
from pydantic import BaseModel, PrivateAttr

from crewloom.engine.bridge.session import KickoffSession
from crewloom.engine.bridge.specs import ModelBinding
from crewloom.llm.gateway import ChatMessage

if TYPE_CHECKING:
    from crewai.agents.agent_builder.base_agent import BaseAgent
    from crewai.task import Task
    from crewai.tools.base_tool import BaseTool
    from crewai.utilities.types import LLMMessage

# The gateway does not tell a model's window; CrewAI summarises a conversation that grows past this.
CONTEXT_WINDOW_TOKENS = 100_000
_ROLES: dict[str, Literal["system", "user", "assistant"]] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
}


def chat_messages(messages: str | list[LLMMessage]) -> list[ChatMessage]:
    """CrewAI's messages as the gateway takes them; a role the gateway does not know (a tool's) is the user's."""
    if isinstance(messages, str):
        return [ChatMessage(role="user", content=messages)]
    return [
        ChatMessage(role=_ROLES.get(str(message.get("role")), "user"), content=message_content_text(message))
        for message in messages
    ]


class GatewayLLM(BaseLLM):
    """Answers in CrewAI's text (ReAct) format: no native function calling, the reply cut at CrewAI's stop
    words. ``on_reply`` hears each reply an agent gets while it works on a task."""

    llm_type: str = "crewloom"
    _session: KickoffSession = PrivateAttr()
    _binding: ModelBinding = PrivateAttr()
    _on_reply: Callable[[str], None] | None = PrivateAttr(default=None)

    @classmethod
    def bound(
        cls, binding: ModelBinding, session: KickoffSession, on_reply: Callable[[str], None] | None = None
    ) -> GatewayLLM:
        llm = cls(model=binding.model, temperature=binding.temperature, provider="crewloom")
        llm._session = session
        llm._binding = binding
        llm._on_reply = on_reply
        return llm

    def call(
        self,
        messages: str | list[LLMMessage],
        tools: list[dict[str, BaseTool]] | None = None,
        callbacks: list[Any] | None = None,
        available_functions: dict[str, Any] | None = None,
        from_task: Task | None = None,
        from_agent: BaseAgent | None = None,
        response_model: type[BaseModel] | None = None,
    ) -> str | Any:
        # Raises Stopped once the kickoff is cancelled or failed: the agent goes no further.
        reply = self._apply_stop_words(self._session.complete(self._binding, chat_messages(messages)))
        if self._on_reply is not None and from_agent is not None and from_task is not None:
            self._on_reply(reply)
        if response_model is None:
            return reply
        try:
            return self._validate_structured_output(reply, response_model)
        except ValueError:
            # CrewAI converts a text reply itself.
            return reply

    def supports_function_calling(self) -> bool:
        return False

    def get_context_window_size(self) -> int:
        return CONTEXT_WINDOW_TOKENS

    def get_input_tokens_count(
        self,
        messages: str | list[LLMMessage],
        tools: list[dict[str, BaseTool]] | None = None,
        response_model: type[BaseModel] | None = None,
    ) -> int:
        # CrewAI's own estimate, without the warning it logs on every call.
        text = messages if isinstance(messages, str) else "".join(message_content_text(item) for item in messages)
        return (len(text) + 3) // 4
