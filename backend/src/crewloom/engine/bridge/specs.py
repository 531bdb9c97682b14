"""What the bridge runs, as plain values: the caller loads the workspace's agents, crews and tools and turns
them into these, so that the bridge knows no database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from crewloom.engine.tools import ToolSpec


@dataclass(frozen=True, kw_only=True)
class ModelBinding:
    provider_id: uuid.UUID
    model: str
    temperature: float | None = None


@dataclass(frozen=True, kw_only=True)
class AgentSpec:
    # Unique within a crew: tasks name their agent by it, and events name the agent that acted.
    name: str
    role: str
    goal: str
    backstory: str
    llm: ModelBinding
    tools: list[ToolSpec] = field(default_factory=list)
    max_iter: int = 20
    max_rpm: int | None = None
    max_execution_time: int | None = None
    allow_delegation: bool = False
    # CrewAI's system template, with {{ .System }} where CrewAI puts the agent's role, goal and tools.
    system_template: str | None = None


@dataclass(frozen=True, kw_only=True)
class TaskSpec:
    key: str
    description: str
    expected_output: str
    # An AgentSpec.name; None only in a hierarchical crew, where the manager chooses.
    agent: str | None
    # Keys of the tasks whose output this one reads; empty keeps CrewAI's default, every earlier output.
    context: list[str] = field(default_factory=list)
    output_format: Literal["text", "json"] = "text"
    output_schema: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class CrewSpec:
    name: str
    agents: list[AgentSpec]
    tasks: list[TaskSpec]
    process: Literal["sequential", "hierarchical"] = "sequential"
    # The manager of a hierarchical crew: a model CrewAI makes its own manager agent with, or an agent.
    manager_llm: ModelBinding | None = None
    manager_agent: AgentSpec | None = None
    planning: bool = False
