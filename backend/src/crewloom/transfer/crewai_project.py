"""Rendering a crew as a runnable CrewAI project (what ``crewai create crew`` lays out), as a zip.

Every piece of user text reaches Python source through ``repr`` and YAML through ``yaml.safe_dump``;
names in code are identifiers derived here. Keys are never written: CrewAI and LiteLLM read them from
the environment, and ``.env.example`` names the variables.
"""

from __future__ import annotations

import io
import keyword
import re
import sys
import zipfile
from dataclasses import dataclass, field
from typing import Any

import yaml

from crewloom.transfer.crewai_llm import FALLBACK_MODEL, LlmTarget, llm_call
from crewloom.transfer.crewai_yaml import placeholders_of

# Names a generated agent or task method must not take: CrewBase's own attributes, and the decorators and
# modules crew.py uses (a method of that name would shadow them in the class body).
_RESERVED = {
    *("crew", "agents", "tasks", "agents_config", "tasks_config", "config", "name", "self"),
    *("agent", "task", "os", "base_directory", "load_configurations", "load_yaml", "get_mcp_tools"),
    *("close_mcp_server", "is_crew_class", "mcp_connect_timeout", "mcp_server_params"),
    *("map_all_agent_variables", "map_all_task_variables"),
    *("original_agents_config_path", "original_tasks_config_path"),
}
# Modules the crew imports (a package of the same name would shadow them), and the scripts pyproject.toml
# declares beside the package's own.
_RESERVED_PACKAGES = {
    *sys.stdlib_module_names,
    *("crewai", "crewai_tools", "litellm", "openai", "pydantic", "yaml", "src", "tests"),
    *("train", "replay", "run", "run_crew", "run_with_trigger"),
}
# Names crew.py imports; the crew's class must not take one of them.
_IMPORTED_NAMES = {"LLM", "Agent", "Crew", "Process", "Task", "BaseAgent", "CrewBase"}


@dataclass(frozen=True)
class ProjectAgent:
    name: str
    role: str
    goal: str
    backstory: str
    llm: LlmTarget
    allow_delegation: bool = False
    max_iter: int | None = None
    max_rpm: int | None = None
    max_execution_time: int | None = None


@dataclass(frozen=True)
class ProjectTask:
    key: str
    description: str
    expected_output: str
    agent_index: int | None  # None: left to the manager of a hierarchical crew
    context: list[str] = field(default_factory=list)
    human_input: bool = False


@dataclass(frozen=True)
class ProjectCrew:
    name: str
    description: str
    agents: list[ProjectAgent]
    tasks: list[ProjectTask]
    process: str = "sequential"
    manager_llm: LlmTarget | None = None


def package_name(crew_name: str) -> str:
    """A Python package name from the crew's name, as ``crewai create crew`` derives its folder."""
    name = re.sub(r"[^a-z0-9_]", "", crew_name.strip().lower().replace(" ", "_").replace("-", "_"))
    name = re.sub(r"_+", "_", name).strip("_")
    if not name or name[0].isdigit() or keyword.iskeyword(name) or name in _RESERVED_PACKAGES:
        name = f"crew_{name}".rstrip("_")
    return name


def class_name(package: str) -> str:
    name = "".join(part.title() for part in package.split("_") if part) or "Exported"
    return f"{name}Crew" if name in _IMPORTED_NAMES else name


def _identifier(text: str, taken: set[str], fallback: str) -> str:
    base = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", text.strip().lower())).strip("_") or fallback
    if base[0].isdigit():
        base = f"{fallback}_{base}"
    candidate, number = base, 2
    while candidate in taken or candidate in _RESERVED or keyword.iskeyword(candidate):
        candidate, number = f"{base}_{number}", number + 1
    taken.add(candidate)
    return candidate


def _agent_yaml(agent: ProjectAgent) -> dict[str, Any]:
    entry: dict[str, Any] = {"role": agent.role, "goal": agent.goal, "backstory": agent.backstory}
    if agent.llm.model:
        entry["llm"] = agent.llm.model
    if agent.allow_delegation:
        entry["allow_delegation"] = True
    for name in ("max_iter", "max_rpm", "max_execution_time"):
        if getattr(agent, name) is not None:
            entry[name] = getattr(agent, name)
    return entry


def _task_yaml(task: ProjectTask, agent_key: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"description": task.description, "expected_output": task.expected_output}
    if agent_key is not None:
        entry["agent"] = agent_key
    if task.context:
        entry["context"] = list(task.context)
    if task.human_input:
        entry["human_input"] = True
    return entry


@dataclass
class _Names:
    package: str
    cls: str
    agents: list[str]
    tasks: dict[str, str]  # task key -> method name


def _names(crew: ProjectCrew) -> _Names:
    taken: set[str] = set()
    agents = [_identifier(agent.name, taken, "agent") for agent in crew.agents]
    tasks = {task.key: _identifier(task.key, taken, "task") for task in crew.tasks}
    package = package_name(crew.name)
    return _Names(package, class_name(package), agents, tasks)


def _crew_py(crew: ProjectCrew, names: _Names) -> str:
    lines = [
        f'"""The {names.cls} crew, exported from Crewloom."""',
        "",
        "import os",
        "",
        "from crewai import LLM, Agent, Crew, Process, Task",
        "from crewai.agents.agent_builder.base_agent import BaseAgent",
        "from crewai.project import CrewBase, agent, crew, task",
        "",
        "",
        "@CrewBase",
        f"class {names.cls}:",
        f"    {(crew.description or crew.name)!r}",
        "",
        "    agents: list[BaseAgent]",
        "    tasks: list[Task]",
        "",
        "    agents_config = 'config/agents.yaml'",
        "    tasks_config = 'config/tasks.yaml'",
    ]
    for agent_key, project_agent in zip(names.agents, crew.agents, strict=True):
        lines += [
            "",
            "    @agent",
            f"    def {agent_key}(self) -> Agent:",
            "        return Agent(",
            f"            config=self.agents_config[{agent_key!r}],  # type: ignore[index]",
            f"            llm={llm_call(project_agent.llm)},",
            "            verbose=True,",
            "        )",
        ]
    for project_task in crew.tasks:
        method = names.tasks[project_task.key]
        context = ", ".join(f"self.{names.tasks[key]}()" for key in project_task.context)
        lines += [
            "",
            "    @task",
            f"    def {method}(self) -> Task:",
            "        return Task(",
            f"            config=self.tasks_config[{method!r}],  # type: ignore[index]",
            *([f"            context=[{context}],"] if context else []),
            "        )",
        ]
    process = "hierarchical" if crew.process == "hierarchical" else "sequential"
    manager = []
    if process == "hierarchical" and crew.manager_llm:
        manager.append(f"            manager_llm={llm_call(crew.manager_llm)},")
    lines += [
        "",
        "    @crew",
        "    def crew(self) -> Crew:",
        "        return Crew(",
        "            agents=self.agents,",
        "            tasks=self.tasks,",
        f"            process=Process.{process},",
        *manager,
        "            verbose=True,",
        "        )",
    ]
    return "\n".join(lines) + "\n"


def _main_py(names: _Names, placeholders: list[str]) -> str:
    defaults = "\n".join(f"    {name!r}: {name!r}," for name in placeholders)
    return f'''"""Runs the {names.cls} crew: `crewai run`, or `run_crew name=value ...` to set inputs."""

import sys

from {names.package}.crew import {names.cls}

DEFAULT_INPUTS = {{
{defaults}
}}


def inputs_from(arguments: list[str]) -> dict[str, str]:
    inputs = dict(DEFAULT_INPUTS)
    for argument in arguments:
        name, separator, value = argument.partition("=")
        if separator:
            inputs[name] = value
    return inputs


def run() -> None:
    result = {names.cls}().crew().kickoff(inputs=inputs_from(sys.argv[1:]))
    print(result.raw)


if __name__ == "__main__":
    run()
'''


def _pyproject(crew: ProjectCrew, names: _Names) -> str:
    description = f"{crew.name} using crewAI".replace("\\", "\\\\").replace('"', '\\"')
    return f"""[project]
name = "{names.package}"
version = "0.1.0"
description = "{description}"
requires-python = ">=3.10,<3.14"
dependencies = [
    "crewai[tools]",
]

[project.scripts]
{names.package} = "{names.package}.main:run"
run = "{names.package}.main:run"
run_crew = "{names.package}.main:run"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.crewai]
type = "crew"
"""


def _targets(crew: ProjectCrew) -> list[LlmTarget]:
    found = [agent.llm for agent in crew.agents]
    return found + ([crew.manager_llm] if crew.manager_llm else [])


def _env_example(crew: ProjectCrew) -> str:
    lines = ["# Fill in and save as .env; crewAI reads these variables when the crew runs."]
    seen: set[str] = set()
    for target in _targets(crew):
        for name in (target.key_env, target.base_env):
            if name and name not in seen:
                seen.add(name)
                lines.append(f"{name}=")
        if target.api_version and "AZURE_API_VERSION" not in seen:
            seen.add("AZURE_API_VERSION")
            lines.append(f"AZURE_API_VERSION={target.api_version}")
    first = next((target.model for target in _targets(crew) if target.model), FALLBACK_MODEL)
    lines.append(f"MODEL={first}")
    return "\n".join(lines) + "\n"


def _readme(crew: ProjectCrew, names: _Names, placeholders: list[str]) -> str:
    mock = any(target.model is None for target in _targets(crew))
    inputs = ", ".join(f"`{name}`" for name in placeholders) or "none"
    note = (
        "\nSome agents used Crewloom's offline mock model; they use the model named by `MODEL` here.\n" if mock else ""
    )
    return f"""# {crew.name}

A crewAI project exported from Crewloom.

## Run

```bash
cp .env.example .env   # then fill in the keys
crewai install
crewai run
```

Inputs: {inputs}. Override them with `uv run run_crew name=value`.
{note}
- `src/{names.package}/config/agents.yaml`: the agents
- `src/{names.package}/config/tasks.yaml`: the tasks, run {crew.process}
- `src/{names.package}/crew.py`: the models each agent uses
"""


def crew_placeholders(crew: ProjectCrew) -> list[str]:
    texts = [text for task in crew.tasks for text in (task.description, task.expected_output)]
    texts += [text for agent in crew.agents for text in (agent.role, agent.goal, agent.backstory)]
    return placeholders_of(texts)


def render_files(crew: ProjectCrew) -> dict[str, str]:
    """The project's files by path inside the archive (under one top folder named like the package)."""
    names = _names(crew)
    placeholders = crew_placeholders(crew)
    agents = {key: _agent_yaml(agent) for key, agent in zip(names.agents, crew.agents, strict=True)}
    tasks = {
        names.tasks[task.key]: _task_yaml(task, None if task.agent_index is None else names.agents[task.agent_index])
        for task in crew.tasks
    }
    tasks = {
        key: {**entry, "context": [names.tasks[name] for name in entry["context"]]} if "context" in entry else entry
        for key, entry in tasks.items()
    }
    source = f"src/{names.package}"
    files = {
        "pyproject.toml": _pyproject(crew, names),
        "README.md": _readme(crew, names, placeholders),
        ".env.example": _env_example(crew),
        ".gitignore": ".env\n__pycache__/\n.venv/\n",
        f"{source}/__init__.py": "",
        f"{source}/main.py": _main_py(names, placeholders),
        f"{source}/crew.py": _crew_py(crew, names),
        f"{source}/tools/__init__.py": "",
        f"{source}/config/agents.yaml": yaml.safe_dump(agents, sort_keys=False, allow_unicode=True, width=100),
        f"{source}/config/tasks.yaml": yaml.safe_dump(tasks, sort_keys=False, allow_unicode=True, width=100),
    }
    return {f"{names.package}/{path}": text for path, text in files.items()}


def render_zip(crew: ProjectCrew) -> tuple[str, bytes]:
    """The archive's file name and bytes."""
    files = render_files(crew)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return f"{package_name(crew.name)}.zip", buffer.getvalue()
