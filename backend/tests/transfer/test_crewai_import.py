"""Importing a CrewAI project: agents, a sequential crew and a flow asking for the placeholders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.agents.factories import audit_events
from tests.conftest import Team
from tests.transfer.conftest import Project, import_files, import_zip, make_zip


async def _get(client: httpx.AsyncClient, team: Team, path: str) -> dict[str, Any]:
    response = await client.get(path, headers=team.admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _check_template_import(
    client: httpx.AsyncClient, team: Team, project: Project, body: dict[str, Any], provider: str
) -> None:
    agents_yaml = yaml.safe_load((project.config / "agents.yaml").read_text())
    tasks_yaml = yaml.safe_load((project.config / "tasks.yaml").read_text())
    assert body["inputs"] == ["topic", "current_year"]
    assert body["provider_id"] == provider
    crew = await _get(client, team, f"/api/v1/crews/{body['crew_id']}")
    assert crew["agent_ids"] == body["agent_ids"]
    assert crew["process"] == "sequential"
    agents = [await _get(client, team, f"/api/v1/agents/{agent_id}") for agent_id in body["agent_ids"]]
    assert [agent["name"] for agent in agents] == list(agents_yaml)
    for agent in agents:
        source = agents_yaml[agent["name"]]
        assert (agent["role"], agent["goal"], agent["backstory"]) == (
            source["role"].strip(),
            source["goal"].strip(),
            source["backstory"].strip(),
        )
        assert agent["provider_id"] == provider
        assert agent["model"] == "mock-1"
    assert [task["key"] for task in crew["tasks"]] == list(tasks_yaml)
    by_key = {agent["name"]: agent["id"] for agent in agents}
    for task in crew["tasks"]:
        source = tasks_yaml[task["key"]]
        assert task["description"] == source["description"].strip()
        assert task["expected_output"] == source["expected_output"].strip()
        assert task["agent_id"] == by_key[source["agent"]]
    flow = await _get(client, team, f"/api/v1/flows/{body['flow_id']}")
    assert flow["latest_version"] == 1
    assert flow["problems"] == []
    nodes = {node["type"]: node for node in flow["graph"]["nodes"]}
    assert [field["name"] for field in nodes["input"]["config"]["fields"]] == ["topic", "current_year"]
    assert all(field["type"] == "string" for field in nodes["input"]["config"]["fields"])
    assert nodes["crew"]["config"] == {
        "crew_id": body["crew_id"],
        "inputs": {"topic": "{{ inputs.topic }}", "current_year": "{{ inputs.current_year }}"},
    }
    assert nodes["output"]["config"]["value"] == f"{{{{ nodes.{nodes['crew']['id']}.output }}}}"
    versions = await _get(client, team, f"/api/v1/flows/{body['flow_id']}/versions")
    assert [version["message"] for version in versions["items"]] == ["Imported"]


async def test_a_created_project_imports_as_a_zip(
    client: httpx.AsyncClient, team: Team, crewai_project: Project, provider: str
) -> None:
    response = await import_zip(client, team.member, crewai_project.zipped())
    assert response.status_code == 201, response.text
    body = response.json()
    await _check_template_import(client, team, crewai_project, body, provider)
    crew = await _get(client, team, f"/api/v1/crews/{body['crew_id']}")
    assert crew["name"] == "Latest Ai News"
    events = await audit_events(client, team.admin, "crew")
    assert any(event["action"] == "crew.import" and event["resource_id"] == body["crew_id"] for event in events)


async def test_a_created_project_imports_as_two_files(
    client: httpx.AsyncClient, team: Team, crewai_project: Project, provider: str
) -> None:
    response = await import_files(
        client,
        team.member,
        (crewai_project.config / "agents.yaml").read_text(),
        (crewai_project.config / "tasks.yaml").read_text(),
        name="News desk",
    )
    assert response.status_code == 201, response.text
    await _check_template_import(client, team, crewai_project, response.json(), provider)
    assert (await _get(client, team, f"/api/v1/crews/{response.json()['crew_id']}"))["name"] == "News desk"


async def test_an_agent_llm_picks_a_provider_of_its_kind(
    client: httpx.AsyncClient, team: Team, crewai_project: Project, provider: str
) -> None:
    created = await client.post(
        "/api/v1/llm-providers",
        json={"name": "OpenAI", "type": "openai", "default_model": "gpt-4o-mini", "api_key": "sk-test-abcdefgh1234"},
        headers=team.admin.headers,
    )
    assert created.status_code == 201, created.text
    agents = (
        (crewai_project.config / "agents.yaml")
        .read_text()
        .replace("reporting_analyst:\n", "reporting_analyst:\n  llm: openai/gpt-4o\n")
    )
    response = await import_files(client, team.member, agents, (crewai_project.config / "tasks.yaml").read_text())
    assert response.status_code == 201, response.text
    researcher, analyst = [
        await _get(client, team, f"/api/v1/agents/{agent_id}") for agent_id in response.json()["agent_ids"]
    ]
    assert (researcher["provider_id"], researcher["model"]) == (provider, "mock-1")
    assert (analyst["provider_id"], analyst["model"]) == (created.json()["id"], "gpt-4o")


async def _agent_count(client: httpx.AsyncClient, team: Team) -> int:
    return len((await _get(client, team, "/api/v1/agents?limit=200"))["items"])


def _detail(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    return dict(detail[0] if isinstance(detail, list) else detail)


AGENTS = "writer:\n  role: Writer\n  goal: Write about {topic}\n  backstory: Keen\n"
TASKS = "write:\n  description: Write about {topic}\n  expected_output: An article\n  agent: writer\n"


@pytest.mark.parametrize(
    ("agents", "tasks", "field", "key"),
    [
        ("writer: [unclosed", TASKS, "agents_yaml", None),
        ("- a list\n", TASKS, "agents_yaml", None),
        ("writer:\n  goal: Write\n", TASKS, "agents_yaml", "writer.role"),
        ("writer:\n  role: [1, 2]\n  goal: Write\n", TASKS, "agents_yaml", "writer.role"),
        (AGENTS, "write:\n  description: Write\n  agent: writer\n", "tasks_yaml", "write.expected_output"),
        (AGENTS, TASKS.replace("agent: writer", "agent: editor"), "tasks_yaml", "write.agent"),
        (AGENTS, TASKS + "  context: [later]\n", "tasks_yaml", "write.context"),
        (AGENTS + "  max_iter: lots\n", TASKS, "agents_yaml", "writer.max_iter"),
    ],
)
async def test_bad_yaml_is_refused_naming_the_file_and_key(
    client: httpx.AsyncClient, team: Team, provider: str, agents: str, tasks: str, field: str, key: str | None
) -> None:
    before = await _agent_count(client, team)
    detail = _detail(await import_files(client, team.member, agents, tasks))
    assert detail["field"] == field
    assert detail["file"] == f"{field.removesuffix('_yaml')}.yaml"
    assert detail.get("key") == key
    assert await _agent_count(client, team) == before


async def test_python_tags_are_refused_and_never_run(
    client: httpx.AsyncClient, team: Team, provider: str, tmp_path: Path
) -> None:
    marker = tmp_path / "tagged"
    tagged = (
        "writer: !!python/object/apply:os.system\n"
        f"  - touch {marker}\n"
        "other: !!python/object/new:pathlib.Path\n"
        f"  - {marker}\n"
    )
    detail = _detail(await import_files(client, team.member, tagged, TASKS))
    assert detail["field"] == "agents_yaml"
    assert "not valid YAML" in detail["message"]
    zipped = make_zip({"p/src/p/config/agents.yaml": tagged, "p/src/p/config/tasks.yaml": TASKS})
    assert _detail(await import_zip(client, team.member, zipped))["field"] == "file"
    assert not marker.exists()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../evil/config/agents.yaml": AGENTS, "../evil/config/tasks.yaml": TASKS}, "leaves the archive"),
        ({"/abs/config/agents.yaml": AGENTS, "/abs/config/tasks.yaml": TASKS}, "leaves the archive"),
        (
            {"p/config/agents.yaml": AGENTS, "p/config/tasks.yaml": TASKS, "p/big.bin": b"\0" * (6 * 1024 * 1024)},
            "unpacks to more than",
        ),
        (
            {"p/config/agents.yaml": AGENTS, "p/config/tasks.yaml": TASKS, **{f"p/{n}.txt": "x" for n in range(201)}},
            "entries",
        ),
        ({"p/readme.md": "no crew here"}, "no folder holds"),
        (
            {
                "a/config/agents.yaml": AGENTS,
                "a/config/tasks.yaml": TASKS,
                "b/config/agents.yaml": AGENTS,
                "b/config/tasks.yaml": TASKS,
            },
            "several crews",
        ),
    ],
)
async def test_unsafe_or_unusable_archives_are_refused(
    client: httpx.AsyncClient, team: Team, provider: str, members: dict[str, bytes | str], message: str
) -> None:
    before = await _agent_count(client, team)
    detail = _detail(await import_zip(client, team.member, make_zip(members)))
    assert detail["field"] == "file"
    assert message in detail["message"]
    assert await _agent_count(client, team) == before


async def test_a_single_member_bomb_is_cut_at_the_limit(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    bomb = "writer:\n  role: " + "a" * (6 * 1024 * 1024) + "\n"
    detail = _detail(
        await import_zip(client, team.member, make_zip({"config/agents.yaml": bomb, "config/tasks.yaml": TASKS}))
    )
    assert detail["field"] == "file"


async def test_not_a_zip_and_no_files_are_refused(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    assert "not a readable zip" in _detail(await import_zip(client, team.member, b"PK not really"))["message"]
    response = await client.post(
        "/api/v1/crews/import-crewai",
        files={"agents_yaml": ("agents.yaml", AGENTS.encode())},
        headers=team.member.headers,
    )
    assert _detail(response)["field"] == "tasks_yaml"


async def test_an_unknown_provider_is_refused(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    response = await import_files(
        client, team.member, AGENTS, TASKS, provider_id="00000000-0000-7000-8000-000000000000"
    )
    assert _detail(response)["field"] == "provider_id"


async def test_a_viewer_cannot_import(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    response = await import_files(client, team.viewer, AGENTS, TASKS)
    assert response.status_code == 403, response.text


async def test_values_the_crew_rules_refuse_are_named(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    two_lines = await import_files(client, team.member, AGENTS, TASKS, name="two\nlines")
    assert _detail(two_lines)["field"] == "name"
    long_role = AGENTS.replace("role: Writer", "role: " + "w" * 2001)
    assert _detail(await import_files(client, team.member, long_role, TASKS))["field"] == "agents_yaml.writer.role"
    dashed = TASKS.replace("{topic}", "{the-topic}")
    assert _detail(await import_files(client, team.member, AGENTS, dashed))["field"] == "tasks_yaml"
