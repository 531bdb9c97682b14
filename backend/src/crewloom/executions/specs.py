"""Our agents, crews and tools as the engine's plain specs. Shared by runs in a workspace (rows from
the tenant's tables) and headless runs of an exported flow (the document's entries), which carry the
same fields."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from crewloom.engine.bridge import AgentSpec, CrewSpec, ModelBinding, TaskSpec, ToolSpec
from crewloom.engine.tools.access import ToolAccess

_DEFAULT_EXPECTED_OUTPUT = "A complete answer."


class AgentFields(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def goal(self) -> str: ...
    @property
    def backstory(self) -> str: ...
    @property
    def provider_id(self) -> uuid.UUID: ...
    @property
    def model(self) -> str: ...
    @property
    def temperature(self) -> float | None: ...
    @property
    def max_iter(self) -> int: ...
    @property
    def max_rpm(self) -> int | None: ...
    @property
    def max_execution_time(self) -> int | None: ...
    @property
    def allow_delegation(self) -> bool: ...
    @property
    def system_template(self) -> str | None: ...


class ToolFields(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def config(self) -> dict[str, Any]: ...


class CrewFields(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def agent_ids(self) -> list[uuid.UUID]: ...
    @property
    def process(self) -> str: ...
    @property
    def manager_provider_id(self) -> uuid.UUID | None: ...
    @property
    def manager_model(self) -> str | None: ...
    @property
    def planning(self) -> bool: ...


def tool_spec(
    tool_id: uuid.UUID, tool: ToolFields, secrets: dict[str, str], access: ToolAccess | None = None
) -> ToolSpec:
    """The tool as the engine runs it; without ``access`` it reaches no file and no internal host."""
    return ToolSpec(
        id=tool_id,
        name=tool.name,
        description=tool.description,
        type=tool.type,
        config=dict(tool.config),
        secrets=secrets,
        access=access or ToolAccess(),
    )


def agent_spec(agent: AgentFields, name: str, tools: list[ToolSpec]) -> AgentSpec:
    return AgentSpec(
        name=name,
        role=agent.role,
        goal=agent.goal,
        backstory=agent.backstory,
        llm=ModelBinding(provider_id=agent.provider_id, model=agent.model, temperature=agent.temperature),
        tools=tools,
        max_iter=agent.max_iter,
        max_rpm=agent.max_rpm,
        max_execution_time=agent.max_execution_time,
        allow_delegation=agent.allow_delegation,
        system_template=agent.system_template,
    )


def crew_agent_ids(crew: CrewFields, tasks: Sequence[Mapping[str, Any]]) -> list[uuid.UUID]:
    """Every agent the crew needs, in order: its own, then any a task names besides."""
    named = [uuid.UUID(str(task["agent_id"])) for task in tasks if task.get("agent_id")]
    return list(dict.fromkeys([*crew.agent_ids, *named]))


def distinct_names(names: Sequence[str]) -> list[str]:
    """Agent names as events show them; a crew may hold two agents of the same name."""
    seen: dict[str, int] = {}
    distinct = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        distinct.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return distinct


def crew_spec(crew: CrewFields, tasks: Sequence[Mapping[str, Any]], agents: Mapping[uuid.UUID, AgentSpec]) -> CrewSpec:
    """``tasks`` as stored ({key, description, expected_output, agent_id, context, output_format,
    output_schema}); ``agents`` holds a spec for each of crew_agent_ids, named distinctly."""
    manager = (
        ModelBinding(provider_id=crew.manager_provider_id, model=crew.manager_model or "")
        if crew.manager_provider_id is not None
        else None
    )
    return CrewSpec(
        name=crew.name,
        agents=[agents[agent_id] for agent_id in crew_agent_ids(crew, tasks)],
        tasks=[
            TaskSpec(
                key=str(task["key"]),
                description=str(task["description"]),
                expected_output=str(task.get("expected_output") or _DEFAULT_EXPECTED_OUTPUT),
                agent=agents[uuid.UUID(str(task["agent_id"]))].name if task.get("agent_id") else None,
                context=[str(key) for key in task.get("context") or []],
                output_format="json" if task.get("output_format") == "json" else "text",
                output_schema=task.get("output_schema"),
            )
            for task in tasks
        ],
        process="hierarchical" if crew.process == "hierarchical" else "sequential",
        manager_llm=manager,
        planning=bool(crew.planning),
    )


def expected_output(text: str) -> str:
    return text or _DEFAULT_EXPECTED_OUTPUT
