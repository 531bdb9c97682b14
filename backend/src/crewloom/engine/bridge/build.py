"""CrewAI objects made from the specs, new for every kickoff (a Crew is not safe to share between runs), all
quiet and offline: no memory, knowledge, cache nor tracing. Imports CrewAI: loaded only in a worker thread."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from crewai import Agent, Crew, Process, Task
from crewai.utilities.i18n import I18N_DEFAULT
from crewai.utilities.task_output_storage_handler import TaskOutputStorageHandler

from crewloom.engine.bridge.llm import GatewayLLM
from crewloom.engine.bridge.session import KickoffSession
from crewloom.engine.bridge.specs import AgentSpec, CrewSpec, ModelBinding, TaskSpec
from crewloom.engine.bridge.steps import AgentSteps, TaskReport
from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools import crewai_tools

MANAGER = "manager"
# Where CrewAI puts the task in a custom prompt; the agent's system template gets it with the defaults.
_PROMPT_TEMPLATE = "{{ .Prompt }}"
_JSON_ANSWER = "Give your final answer as one JSON document and nothing else."


class DiscardedTaskOutputs(TaskOutputStorageHandler):
    """CrewAI keeps each kickoff's task outputs and inputs for a replay, in one file that every workspace
    would share; runs here are replayed from our own records, so nothing is kept."""

    def __init__(self) -> None:
        pass

    def update(self, task_index: int, log: dict[str, Any]) -> None:
        pass

    def add(
        self,
        task: Task,
        output: dict[str, Any],
        task_index: int,
        inputs: dict[str, Any] | None = None,
        was_replayed: bool = False,
    ) -> None:
        pass

    def reset(self) -> None:
        pass

    def load(self) -> list[dict[str, Any]] | None:
        return None


def _agent(spec: AgentSpec, session: KickoffSession) -> Agent:
    steps = AgentSteps(spec.name, session, spec.tools)
    templates: dict[str, str] = {}
    if spec.system_template:
        templates = {"system_template": spec.system_template, "prompt_template": _PROMPT_TEMPLATE}
    return Agent(
        role=spec.role,
        goal=spec.goal,
        backstory=spec.backstory,
        llm=GatewayLLM.bound(spec.llm, session, steps.reply),
        tools=[made for tool in spec.tools for made in crewai_tools(tool, session.link)],
        max_iter=spec.max_iter,
        max_rpm=spec.max_rpm,
        max_execution_time=spec.max_execution_time,
        allow_delegation=spec.allow_delegation,
        step_callback=steps.step,
        verbose=False,
        # The runtime has its own retry policy per node.
        max_retry_limit=0,
        # Oversized tool results would otherwise be written to temporary files.
        use_better_compaction=False,
        **templates,
    )


def _manager(spec: CrewSpec) -> AgentSpec:
    if spec.manager_agent is not None:
        # CrewAI gives the manager its delegation tools and refuses any other.
        return replace(spec.manager_agent, tools=[], allow_delegation=True)
    if spec.manager_llm is None:
        raise NodeError("a hierarchical crew needs a manager model or a manager agent", retryable=False)
    return AgentSpec(
        name=MANAGER,
        role=I18N_DEFAULT.retrieve("hierarchical_manager_agent", "role"),
        goal=I18N_DEFAULT.retrieve("hierarchical_manager_agent", "goal"),
        backstory=I18N_DEFAULT.retrieve("hierarchical_manager_agent", "backstory"),
        llm=spec.manager_llm,
        allow_delegation=True,
    )


def _planning_model(spec: CrewSpec) -> ModelBinding:
    if spec.manager_llm is not None:
        return spec.manager_llm
    if spec.manager_agent is not None:
        return spec.manager_agent.llm
    return spec.agents[0].llm


def _expected_output(task: TaskSpec) -> str:
    if task.output_format != "json":
        return task.expected_output
    schema = "" if task.output_schema is None else f" It must match this JSON Schema: {json.dumps(task.output_schema)}"
    return f"{task.expected_output}\n\n{_JSON_ANSWER}{schema}"


def _tasks(spec: CrewSpec, agents: dict[str, Agent], manager: str | None, session: KickoffSession) -> list[Task]:
    built: dict[str, Task] = {}
    for task in spec.tasks:
        if task.agent is not None and task.agent not in agents:
            raise NodeError(f"task {task.key}: no agent {task.agent!r} in the crew", retryable=False)
        built[task.key] = Task(
            name=task.key,
            description=task.description,
            expected_output=_expected_output(task),
            agent=agents[task.agent] if task.agent is not None else None,
            # In a hierarchical crew the manager works on every task, delegating as it sees fit.
            callback=TaskReport(task, manager or task.agent or MANAGER, session),
        )
    for task in spec.tasks:
        unknown = [key for key in task.context if key not in built]
        if unknown:
            raise NodeError(f"task {task.key}: no task {unknown[0]!r} in the crew to read", retryable=False)
        # Set only when given, so that an empty context keeps CrewAI's default: every earlier output.
        if task.context:
            built[task.key].context = [built[key] for key in task.context]
    return list(built.values())


def build_crew(spec: CrewSpec, session: KickoffSession) -> Crew:
    if not spec.agents or not spec.tasks:
        raise NodeError(f"the crew {spec.name!r} needs at least one agent and one task", retryable=False)
    agents = {agent.name: _agent(agent, session) for agent in spec.agents}
    options: dict[str, Any] = {}
    manager = _manager(spec) if spec.process == "hierarchical" else None
    if manager is not None:
        options["manager_agent"] = _agent(manager, session)
    if spec.planning:
        options["planning"] = True
        options["planning_llm"] = GatewayLLM.bound(_planning_model(spec), session)
    crew = Crew(
        name=spec.name,
        agents=list(agents.values()),
        tasks=_tasks(spec, agents, manager.name if manager else None, session),
        process=Process.hierarchical if spec.process == "hierarchical" else Process.sequential,
        verbose=False,
        memory=False,
        cache=False,
        tracing=False,
        **options,
    )
    crew._task_output_handler = DiscardedTaskOutputs()
    return crew
