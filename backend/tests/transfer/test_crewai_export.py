"""Exporting a crew as a CrewAI project: parseable, the same agents and tasks, runnable, and keyless."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.agents.factories import create_agent, create_crew
from tests.conftest import Team, register
from tests.transfer.conftest import Project, import_zip, unzip

SECRET = "sk-live-DO-NOT-LEAK-0123456789abcdef"


async def _export(client: httpx.AsyncClient, team: Team, crew_id: str) -> dict[str, str]:
    response = await client.get(f"/api/v1/crews/{crew_id}/export-crewai", headers=team.viewer.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    return unzip(response.content)


def _package(files: dict[str, str]) -> tuple[str, str]:
    """The top folder and the package name of an exported project."""
    crew_file = next(path for path in files if path.endswith("/crew.py"))
    parts = crew_file.split("/")
    return parts[0], parts[-2]


def _config(files: dict[str, str], name: str) -> dict[str, Any]:
    top, package = _package(files)
    loaded: dict[str, Any] = yaml.safe_load(files[f"{top}/src/{package}/config/{name}.yaml"])
    return loaded


def _check_project(files: dict[str, str]) -> None:
    top, package = _package(files)
    expected = {
        "pyproject.toml",
        "README.md",
        ".env.example",
        f"src/{package}/__init__.py",
        f"src/{package}/main.py",
        f"src/{package}/crew.py",
        f"src/{package}/tools/__init__.py",
        f"src/{package}/config/agents.yaml",
        f"src/{package}/config/tasks.yaml",
    }
    assert expected <= {path.removeprefix(f"{top}/") for path in files}
    for path, text in files.items():
        if path.endswith(".py"):
            ast.parse(text, filename=path)
    pyproject = tomllib.loads(files[f"{top}/pyproject.toml"])
    assert pyproject["tool"]["crewai"]["type"] == "crew"
    assert pyproject["project"]["scripts"]["run"] == f"{package}.main:run"
    assert pyproject["project"]["scripts"]["run_crew"] == f"{package}.main:run"
    assert any(dependency.startswith("crewai[tools]") for dependency in pyproject["project"]["dependencies"])


async def _imported_template(client: httpx.AsyncClient, team: Team, project: Project) -> dict[str, Any]:
    response = await import_zip(client, team.member, project.zipped())
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_export_parses_and_holds_the_same_agents_and_tasks(
    client: httpx.AsyncClient, team: Team, crewai_project: Project, provider: str
) -> None:
    imported = await _imported_template(client, team, crewai_project)
    files = await _export(client, team, imported["crew_id"])
    _check_project(files)
    source_agents = yaml.safe_load((crewai_project.config / "agents.yaml").read_text())
    source_tasks = yaml.safe_load((crewai_project.config / "tasks.yaml").read_text())
    agents = _config(files, "agents")
    tasks = _config(files, "tasks")
    assert list(agents) == list(source_agents)
    for key, agent in agents.items():
        assert {field: agent[field] for field in ("role", "goal", "backstory")} == {
            field: source_agents[key][field].strip() for field in ("role", "goal", "backstory")
        }
    assert list(tasks) == list(source_tasks)
    for key, task in tasks.items():
        assert task["description"] == source_tasks[key]["description"].strip()
        assert task["expected_output"] == source_tasks[key]["expected_output"].strip()
        assert task["agent"] == source_tasks[key]["agent"]
    top, package = _package(files)
    main = files[f"{top}/src/{package}/main.py"]
    assert "'topic'" in main
    assert "'current_year'" in main


async def test_export_then_import_gives_the_same_crew(
    client: httpx.AsyncClient, team: Team, crewai_project: Project, provider: str
) -> None:
    first = await _imported_template(client, team, crewai_project)
    response = await client.get(f"/api/v1/crews/{first['crew_id']}/export-crewai", headers=team.member.headers)
    second = await import_zip(client, team.member, response.content)
    assert second.status_code == 201, second.text
    assert second.json()["inputs"] == first["inputs"]

    async def definition(body: dict[str, Any]) -> dict[str, Any]:
        crew = (await client.get(f"/api/v1/crews/{body['crew_id']}", headers=team.admin.headers)).json()
        agents = [
            (await client.get(f"/api/v1/agents/{agent_id}", headers=team.admin.headers)).json()
            for agent_id in crew["agent_ids"]
        ]
        names = {agent["id"]: agent["name"] for agent in agents}
        return {
            "agents": [{key: agent[key] for key in ("name", "role", "goal", "backstory", "model")} for agent in agents],
            "tasks": [{**task, "agent_id": names[task["agent_id"]]} for task in crew["tasks"]],
            "process": crew["process"],
        }

    assert await definition(second.json()) == await definition(first)


async def _keyed_crew(client: httpx.AsyncClient, team: Team, provider_body: dict[str, Any]) -> str:
    created = await client.post("/api/v1/llm-providers", json=provider_body, headers=team.admin.headers)
    assert created.status_code == 201, created.text
    provider_id = created.json()["id"]
    first = await create_agent(
        client, team.member, provider_id, name="Researcher", model="gpt-4o-mini", temperature=0.2
    )
    # Names that would shadow CrewAI's own in generated code: the export renames them.
    second = await create_agent(client, team.member, provider_id, name="Crew", role="Writer {audience}")
    crew = await create_crew(client, team.member, [first["id"], second["id"]], name="Task")
    return str(crew["id"])


async def test_no_key_is_ever_written(client: httpx.AsyncClient, team: Team) -> None:
    crew_id = await _keyed_crew(
        client, team, {"name": "OpenAI", "type": "openai", "default_model": "gpt-4o-mini", "api_key": SECRET}
    )
    files = await _export(client, team, crew_id)
    _check_project(files)
    for text in files.values():
        assert SECRET not in text
        assert SECRET[-4:] not in text
    top, package = _package(files)
    assert "OPENAI_API_KEY=\n" in files[f"{top}/.env.example"]
    crew_py = files[f"{top}/src/{package}/crew.py"]
    assert "LLM(model='openai/gpt-4o-mini', temperature=0.2)" in crew_py
    assert _config(files, "agents")["researcher"]["llm"] == "openai/gpt-4o-mini"
    assert list(_config(files, "agents")) == ["researcher", "crew_2"]
    assert list(_config(files, "tasks")) == ["research", "write"]
    assert "class TaskCrew:" in crew_py
    assert _config(files, "tasks")["write"]["context"] == ["research"]


async def test_a_compatible_server_url_comes_from_the_environment(client: httpx.AsyncClient, team: Team) -> None:
    crew_id = await _keyed_crew(
        client,
        team,
        {
            "name": "Local",
            "type": "openai_compatible",
            "base_url": "http://127.0.0.1:9/v1",
            "default_model": "llama",
            "api_key": SECRET,
        },
    )
    files = await _export(client, team, crew_id)
    top, package = _package(files)
    env = files[f"{top}/.env.example"]
    assert "OPENAI_API_KEY=\n" in env
    assert "OPENAI_API_BASE=\n" in env
    assert (
        "base_url=os.environ.get('OPENAI_API_BASE', 'http://127.0.0.1:9/v1')" in files[f"{top}/src/{package}/crew.py"]
    )
    assert all(SECRET not in text for text in files.values())


_LOAD_CREW = """
import json, sys
sys.argv = ["run_crew"]
from {package}.crew import {cls}
from {package}.main import inputs_from
crew = {cls}().crew()
print(json.dumps({{
    "agents": [agent.role for agent in crew.agents],
    "models": [agent.llm.model for agent in crew.agents],
    "tasks": [task.description for task in crew.tasks],
    "context": [[c.description for c in task.context] if isinstance(task.context, list) else [] for task in crew.tasks],
    "inputs": sorted(inputs_from(["topic=x"])),
}}))
"""


async def test_crewai_builds_the_exported_crew(client: httpx.AsyncClient, team: Team, tmp_path: Path) -> None:
    crew_id = await _keyed_crew(
        client, team, {"name": "OpenAI", "type": "openai", "default_model": "gpt-4o-mini", "api_key": SECRET}
    )
    files = await _export(client, team, crew_id)
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    top, package = _package(files)
    cls = "".join(part.title() for part in package.split("_")) + "Crew"
    environment = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / top / "src"),
        "OPENAI_API_KEY": "sk-placeholder",
        "CREWAI_DISABLE_TELEMETRY": "true",
        "OTEL_SDK_DISABLED": "true",
        "CREWAI_TRACING_ENABLED": "false",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    # Our own interpreter, on the project this test just exported.
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", _LOAD_CREW.format(package=package, cls=cls)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path / top,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    built = json.loads(result.stdout.strip().splitlines()[-1])
    assert built["agents"] == ["Researcher", "Writer {audience}"]
    # CrewAI strips the prefix of the models its native OpenAI client knows, and keeps it for the others.
    assert [model.removeprefix("openai/") for model in built["models"]] == ["gpt-4o-mini", "mock-1"]
    assert built["tasks"] == ["Research {topic} for {audience}", "Write about {topic}"]
    assert built["context"] == [[], ["Research {topic} for {audience}"]]
    assert built["inputs"] == ["audience", "topic"]


async def test_another_tenant_gets_404(
    client: httpx.AsyncClient, team: Team, crewai_project: Project, provider: str
) -> None:
    imported = await _imported_template(client, team, crewai_project)
    intruder = await register(client, tenant_name="Intruder")
    response = await client.get(f"/api/v1/crews/{imported['crew_id']}/export-crewai", headers=intruder.headers)
    assert response.status_code == 404, response.text
