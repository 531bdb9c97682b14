"""The rules of a crew's shape, checked all at once so that every problem is reported with its field."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents.references import ReferenceRepository, duplicates, missing_references
from crewloom.crews.schemas import CrewFields, Task
from crewloom.errors import Unprocessable
from crewloom.models import Agent, LlmProvider
from crewloom.tools.json_schemas import schema_problem

Problems = list[dict[str, str]]
_HIERARCHICAL_ONLY = "only for the hierarchical process"


def _manager_problems(crew: CrewFields) -> Problems:
    given = {
        "manager_agent_id": crew.manager_agent_id is not None,
        "manager_provider_id": crew.manager_provider_id is not None,
        "manager_model": crew.manager_model is not None,
    }
    if crew.process == "sequential":
        return [{"field": field, "message": _HIERARCHICAL_ONLY} for field, present in given.items() if present]
    if given["manager_agent_id"]:
        problems = [
            {"field": field, "message": "give either manager_agent_id, or manager_provider_id with manager_model"}
            for field in ("manager_provider_id", "manager_model")
            if given[field]
        ]
        if crew.manager_agent_id in crew.agent_ids:
            problems.append({"field": "manager_agent_id", "message": "the manager must not be one of agent_ids"})
        return problems
    if not given["manager_provider_id"] and not given["manager_model"]:
        return [
            {
                "field": "manager_agent_id",
                "message": "a hierarchical crew needs a manager: manager_agent_id, or manager_provider_id with "
                "manager_model",
            }
        ]
    pairs = (("manager_provider_id", "manager_model"), ("manager_model", "manager_provider_id"))
    return [{"field": field, "message": f"required with {other}"} for field, other in pairs if not given[field]]


def _context_problems(crew: CrewFields, position: int, task: Task, positions: dict[str, int]) -> Problems:
    problems = duplicates(f"tasks.{position}.context", task.context)
    for index, key in enumerate(task.context):
        field = f"tasks.{position}.context.{index}"
        if key == task.key:
            problems.append({"field": field, "message": "a task cannot be its own context"})
        elif key not in positions:
            problems.append({"field": field, "message": f"no task with key {key!r} in this crew"})
        elif crew.process == "sequential" and positions[key] > position:
            problems.append({"field": field, "message": f"{key!r} runs later: a sequential task reads earlier tasks"})
    return problems


def _output_problems(position: int, task: Task) -> Problems:
    field = f"tasks.{position}.output_schema"
    if task.output_format == "text":
        return [] if task.output_schema is None else [{"field": field, "message": "only for output_format json"}]
    if task.output_schema is None:
        return [{"field": field, "message": "required for output_format json"}]
    problem = schema_problem(task.output_schema)
    return [{"field": field, "message": problem}] if problem else []


def _task_problems(crew: CrewFields) -> Problems:
    positions: dict[str, int] = {}
    problems: Problems = []
    for position, task in enumerate(crew.tasks):
        if task.key in positions:
            problems.append({"field": f"tasks.{position}.key", "message": f"{task.key!r} is used by an earlier task"})
        else:
            positions[task.key] = position
    for position, task in enumerate(crew.tasks):
        field = f"tasks.{position}.agent_id"
        if task.agent_id is None and crew.process == "sequential":
            problems.append({"field": field, "message": "required in a sequential crew"})
        elif task.agent_id is not None and task.agent_id not in crew.agent_ids:
            problems.append({"field": field, "message": "must be one of the crew's agent_ids"})
        problems += _context_problems(crew, position, task, positions)
        problems += _output_problems(position, task)
    return problems


async def checked_crew(session: AsyncSession, crew: CrewFields) -> dict[str, Any]:
    """The crew's columns, or 422 listing every problem, each naming its field."""
    references = ReferenceRepository(session)
    agent_ids = [*crew.agent_ids, *([crew.manager_agent_id] if crew.manager_agent_id else [])]
    agents = await references.existing(Agent, agent_ids)
    providers = await references.existing(LlmProvider, [crew.manager_provider_id] if crew.manager_provider_id else [])
    problems = missing_references("agent_ids", "agent", crew.agent_ids, agents)
    problems += duplicates("agent_ids", crew.agent_ids)
    if crew.manager_agent_id is not None:
        problems += missing_references("manager_agent_id", "agent", [crew.manager_agent_id], agents, indexed=False)
    if crew.manager_provider_id is not None:
        problems += missing_references(
            "manager_provider_id", "LLM provider", [crew.manager_provider_id], providers, indexed=False
        )
    problems += _manager_problems(crew) + _task_problems(crew)
    if problems:
        raise Unprocessable(problems)
    # Tasks are stored as JSONB, so their ids go in as text.
    tasks = [task.model_dump(mode="json") for task in crew.tasks]
    return crew.model_dump(exclude={"version", "tasks"}) | {"tasks": tasks}
