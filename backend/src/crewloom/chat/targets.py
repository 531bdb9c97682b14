"""What an agent, a flow or a crew needs to be chatted with: the input the message fills, the optional
``history`` input that receives the conversation so far, the conversation written out as text for it, and
for an agent the one-node graph that runs it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from crewloom.chat.memory import Context
from crewloom.models import Crew
from crewloom.transfer.crewai_yaml import placeholders_of

HISTORY_INPUT = "history"
_SPEAKERS = {"user": "User", "assistant": "Assistant"}
_AGENT_NODE = "agent"
_AGENT_TASK = (
    "{% if inputs.history %}The conversation so far:\n{{ inputs.history }}\n\n{% endif %}"
    "Reply to the user's latest message:\n{{ inputs.message }}"
)


@dataclass(frozen=True)
class ChatInputs:
    message: str
    # Whether the target also takes the conversation so far.
    history: bool

    def values(self, context: Context) -> dict[str, str]:
        values = {self.message: context.messages[-1].content}
        if self.history:
            values[HISTORY_INPUT] = transcript(context)
        return values


def _chosen(names: list[str]) -> ChatInputs | None:
    message = next((name for name in names if name != HISTORY_INPUT), None)
    return ChatInputs(message=message, history=HISTORY_INPUT in names) if message is not None else None


def flow_inputs(graph: dict[str, Any]) -> ChatInputs | None:
    """The text fields of the flow's input node (the one marked for chat first), or None without one."""
    inputs = [node for node in graph.get("nodes", []) if node.get("type") == "input"]
    inputs.sort(key=lambda node: not node.get("config", {}).get("chat", False))
    for node in inputs:
        fields = node.get("config", {}).get("fields", [])
        found = _chosen([field["name"] for field in fields if field.get("type", "string") == "string"])
        if found is not None:
            return found
    return None


def crew_inputs(crew: Crew) -> ChatInputs | None:
    texts = [str(task.get(key, "")) for task in crew.tasks for key in ("description", "expected_output")]
    return _chosen(placeholders_of(texts))


AGENT_INPUTS = ChatInputs(message="message", history=True)


def agent_graph(agent_id: uuid.UUID) -> dict[str, Any]:
    """input (message, history) -> agent -> output: an agent's turn in a chat, run like any flow."""
    fields = [
        {"name": "message", "type": "string"},
        {"name": HISTORY_INPUT, "type": "string", "required": False, "default": ""},
    ]
    task = {"agent_id": str(agent_id), "task": _AGENT_TASK, "expected_output": "A reply to the user's latest message"}
    return {
        "nodes": [
            {"id": "input", "type": "input", "position": {"x": 0, "y": 0}, "config": {"chat": True, "fields": fields}},
            {"id": _AGENT_NODE, "type": "agent", "position": {"x": 320, "y": 0}, "config": task},
            {
                "id": "output",
                "type": "output",
                "position": {"x": 640, "y": 0},
                "config": {"value": f"{{{{ nodes.{_AGENT_NODE}.output }}}}"},
            },
        ],
        "edges": [
            {"id": "input-agent", "source": "input", "target": _AGENT_NODE},
            {"id": "agent-output", "source": _AGENT_NODE, "target": "output"},
        ],
    }


def transcript(context: Context) -> str:
    """The conversation before the message being answered, as text: the summary of what was trimmed, then
    each message with its speaker."""
    parts = [
        message.content if message.role == "system" else f"{_SPEAKERS[message.role]}: {message.content}"
        for message in context.messages[:-1]
    ]
    return "\n\n".join(parts)
