"""Crews to and from CrewAI projects: an uploaded project becomes agents, a crew and a flow that asks for
the crew's placeholders; a crew becomes a project that ``crewai run`` executes. Uploaded files are data
only: nothing in them is imported, compiled or run."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents import service as agents_service
from crewloom.agents.schemas import AgentIn
from crewloom.audit.service import record
from crewloom.auth.principal import Principal
from crewloom.crews import service as crews_service
from crewloom.crews.repository import CrewRepository
from crewloom.crews.schemas import CrewIn
from crewloom.engine.graph import Graph
from crewloom.errors import Unprocessable
from crewloom.flows import service as flows_service
from crewloom.flows.schemas import FlowIn
from crewloom.kit.resources import ResourceFields
from crewloom.models import LlmProvider
from crewloom.transfer.crewai_llm import LlmTarget, llm_target, provider_types_for_prefix
from crewloom.transfer.crewai_project import ProjectAgent, ProjectCrew, ProjectTask, render_zip
from crewloom.transfer.crewai_yaml import AgentSpec, CrewSpec, YamlFiles, parse_crew
from crewloom.transfer.repository import TransferRepository
from crewloom.transfer.schemas import CrewImported
from crewloom.transfer.service import IMPORT_MESSAGE, within

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MOCK = "mock"
CREW_NODE = "crew"
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class CrewImportOptions:
    name: str | None = None
    provider_id: uuid.UUID | None = None
    model: str | None = None
    agents_field: str = "agents_yaml"
    tasks_field: str = "tasks_yaml"


def _default_provider(providers: list[LlmProvider], wanted: uuid.UUID | None) -> LlmProvider:
    if wanted is not None:
        found = next((provider for provider in providers if provider.id == wanted), None)
        if found is None:
            raise Unprocessable({"field": "provider_id", "message": f"no LLM provider with id {wanted}"})
        return found
    if not providers:
        raise Unprocessable({"field": "provider_id", "message": "this workspace has no LLM provider yet"})
    return next((provider for provider in providers if provider.type == _MOCK), providers[0])


def _agent_model(
    agent: AgentSpec, providers: list[LlmProvider], default: LlmProvider, default_model: str
) -> tuple[LlmProvider, str]:
    """The provider and model of an agent: the one its ``llm`` ("openai/gpt-4o") names when this workspace
    has a provider of that kind, else the chosen default."""
    prefix, _, model = (agent.llm or "").partition("/")
    if model:
        for provider_type in provider_types_for_prefix(prefix):
            match = next((provider for provider in providers if provider.type == provider_type), None)
            if match is not None:
                return match, model
    return default, default_model


def _task_keys(spec: CrewSpec) -> dict[str, str]:
    """Crew task keys (lower-case slugs) for the YAML's task names, unique."""
    keys: dict[str, str] = {}
    for task in spec.tasks:
        base = re.sub(r"[^a-z0-9_-]+", "_", task.key.lower()).strip("_-")[:60] or "task"
        base = base if base[0].isalpha() else f"t_{base}"[:60]
        key, number = base, 2
        while key in keys.values():
            key, number = f"{base}_{number}", number + 1
        keys[task.key] = key
    return keys


def crew_flow_graph(crew_id: uuid.UUID, placeholders: list[str]) -> Graph:
    """input (one string field per placeholder) -> crew -> output."""
    fields = [
        {"name": name, "type": "string", "required": True, "description": f"{{{name}}} in the crew's tasks"}
        for name in placeholders
    ]
    return Graph.model_validate(
        {
            "nodes": [
                {"id": "input", "type": "input", "position": {"x": 0, "y": 0}, "config": {"fields": fields}},
                {
                    "id": CREW_NODE,
                    "type": "crew",
                    "position": {"x": 320, "y": 0},
                    "config": {
                        "crew_id": str(crew_id),
                        "inputs": {name: f"{{{{ inputs.{name} }}}}" for name in placeholders},
                    },
                },
                {
                    "id": "output",
                    "type": "output",
                    "position": {"x": 640, "y": 0},
                    "config": {"value": f"{{{{ nodes.{CREW_NODE}.output }}}}"},
                },
            ],
            "edges": [
                {"id": "input-crew", "source": "input", "target": CREW_NODE},
                {"id": "crew-output", "source": CREW_NODE, "target": "output"},
            ],
        }
    )


def _payload(schema: type[ModelT], values: dict[str, Any], prefix: str) -> ModelT:
    """``values`` as ``schema``, or 422 naming each field under ``prefix``."""
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(filter(None, [prefix, *(str(part) for part in error["loc"])]))
            problems.append({"field": field, "message": error["msg"]})
        raise Unprocessable(problems) from exc


def _crew_name(options: CrewImportOptions, files: YamlFiles) -> str:
    if options.name and options.name.strip():
        return options.name.strip()
    if files.package:
        return files.package.replace("_", " ").strip().title() or "Imported crew"
    return "Imported crew"


async def import_crewai(
    session: AsyncSession, principal: Principal, files: YamlFiles, options: CrewImportOptions
) -> CrewImported:
    """Agents, a sequential crew and a flow from a CrewAI project's two YAML files."""
    spec = parse_crew(files, agents_field=options.agents_field, tasks_field=options.tasks_field)
    unusable = [name for name in spec.placeholders if not _IDENTIFIER.match(name)]
    if unusable:
        raise Unprocessable(
            {
                "field": options.tasks_field,
                "file": files.tasks_name,
                "message": f"placeholders must be identifiers to become flow inputs: {', '.join(unusable)}",
            }
        )
    name = _payload(ResourceFields, {"name": _crew_name(options, files)}, "").name
    providers = await TransferRepository(session).providers()
    default = _default_provider(providers, options.provider_id)
    default_model = (options.model or "").strip() or default.default_model
    agent_ids: dict[str, uuid.UUID] = {}
    for agent in spec.agents:
        provider, model = _agent_model(agent, providers, default, default_model)
        where = f"{options.agents_field}.{agent.key}"
        values = {
            "name": agent.key,
            "role": agent.role,
            "goal": agent.goal,
            "backstory": agent.backstory,
            "provider_id": provider.id,
            "model": model,
            "allow_delegation": agent.allow_delegation,
            "memory": agent.memory,
            "max_rpm": agent.max_rpm,
            "max_execution_time": agent.max_execution_time,
        }
        if agent.max_iter is not None:
            values["max_iter"] = agent.max_iter
        payload = _payload(AgentIn, values, where)
        created = await within(where, agents_service.create_agent(session, principal, payload))
        agent_ids[agent.key] = created.id
    keys = _task_keys(spec)
    crew_values = {
        "name": name,
        "agent_ids": list(agent_ids.values()),
        "tasks": [
            {
                "key": keys[task.key],
                "description": task.description,
                "expected_output": task.expected_output,
                "agent_id": agent_ids[task.agent],
                "context": [keys[key] for key in task.context],
                "human_input": task.human_input,
            }
            for task in spec.tasks
        ],
        "process": "sequential",
    }
    crew_payload = _payload(CrewIn, crew_values, options.tasks_field)
    crew = await within(options.tasks_field, crews_service.create_crew(session, principal, crew_payload))
    flow_payload = FlowIn(name=name, graph=crew_flow_graph(crew.id, spec.placeholders), message=IMPORT_MESSAGE)
    flow = await flows_service.create_flow(session, principal, flow_payload)
    await record(
        session,
        principal,
        action="crew.import",
        resource_type="crew",
        resource_id=crew.id,
        detail={"name": name, "agents": len(agent_ids), "tasks": len(spec.tasks), "flow_id": str(flow.id)},
    )
    return CrewImported(
        crew_id=crew.id,
        flow_id=flow.id,
        agent_ids=list(agent_ids.values()),
        inputs=spec.placeholders,
        provider_id=default.id,
    )


def _target(provider: LlmProvider, model: str, temperature: float | None) -> LlmTarget:
    return llm_target(provider.type, model, provider.base_url, provider.options, temperature)


async def export_crewai(session: AsyncSession, crew_id: uuid.UUID) -> tuple[str, bytes]:
    """The crew as a zipped CrewAI project: its file name and bytes. Keys are never part of it."""
    crew = await CrewRepository(session).get(crew_id)
    repository = TransferRepository(session)
    providers = {provider.id: provider for provider in await repository.providers()}
    agents = await repository.agents([*crew.agent_ids, *([crew.manager_agent_id] if crew.manager_agent_id else [])])
    by_id = {agent.id: agent for agent in agents}

    members = [by_id[agent_id] for agent_id in crew.agent_ids if agent_id in by_id]
    project_agents = [
        ProjectAgent(
            name=agent.name,
            role=agent.role,
            goal=agent.goal,
            backstory=agent.backstory,
            llm=_target(providers[agent.provider_id], agent.model, agent.temperature),
            allow_delegation=agent.allow_delegation,
            max_iter=agent.max_iter,
            max_rpm=agent.max_rpm,
            max_execution_time=agent.max_execution_time,
        )
        for agent in members
    ]
    positions = {agent.id: position for position, agent in enumerate(members)}
    tasks = [
        ProjectTask(
            key=str(task["key"]),
            description=str(task["description"]),
            expected_output=str(task["expected_output"]),
            agent_index=positions.get(uuid.UUID(str(task["agent_id"]))) if task.get("agent_id") else None,
            context=[str(key) for key in task.get("context", [])],
            human_input=bool(task.get("human_input", False)),
        )
        for task in crew.tasks
    ]
    manager = None
    if crew.manager_agent_id and crew.manager_agent_id in by_id:
        leader = by_id[crew.manager_agent_id]
        manager = _target(providers[leader.provider_id], leader.model, leader.temperature)
    elif crew.manager_provider_id and crew.manager_model:
        manager = _target(providers[crew.manager_provider_id], crew.manager_model, None)
    project = ProjectCrew(
        name=crew.name,
        description=crew.description,
        agents=project_agents,
        tasks=tasks,
        process=crew.process,
        manager_llm=manager,
    )
    return render_zip(project)
