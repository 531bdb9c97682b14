"""The node types: each one's config schema, how it is presented, and the handles it leaves from."""

from __future__ import annotations

from dataclasses import dataclass

from crewloom.engine.nodes.agent import AgentConfig
from crewloom.engine.nodes.base import NodeConfig, Reference
from crewloom.engine.nodes.condition import ConditionConfig
from crewloom.engine.nodes.crew import CrewConfig
from crewloom.engine.nodes.input import InputConfig, InputField
from crewloom.engine.nodes.llm import LlmConfig
from crewloom.engine.nodes.output import OutputConfig
from crewloom.engine.nodes.tool import ToolConfig

OUTPUT_HANDLE = "output"
BRANCH_HANDLES = ("true", "false")


@dataclass(frozen=True)
class NodeType:
    config: type[NodeConfig]
    title: str
    description: str
    outputs: tuple[str, ...] = (OUTPUT_HANDLE,)


NODE_TYPES: dict[str, NodeType] = {
    "input": NodeType(InputConfig, "Input", "The values a run starts from; exactly one per flow."),
    "output": NodeType(OutputConfig, "Output", "A result of the flow, rendered from upstream outputs."),
    "llm": NodeType(LlmConfig, "LLM call", "One prompt to a model, answered as text or as JSON."),
    "agent": NodeType(AgentConfig, "Agent", "One task performed by an agent of this workspace."),
    "crew": NodeType(CrewConfig, "Crew", "A crew of this workspace, started with templated inputs."),
    "tool": NodeType(ToolConfig, "Tool", "One call of a tool of this workspace."),
    "condition": NodeType(
        ConditionConfig, "Condition", "A CEL expression that continues on the true or the false edge.", BRANCH_HANDLES
    ),
}

__all__ = [
    "BRANCH_HANDLES",
    "NODE_TYPES",
    "OUTPUT_HANDLE",
    "AgentConfig",
    "ConditionConfig",
    "CrewConfig",
    "InputConfig",
    "InputField",
    "LlmConfig",
    "NodeConfig",
    "NodeType",
    "OutputConfig",
    "Reference",
    "ToolConfig",
]
