"""POST /tools/{id}/test: one call of a tool as a run would make it, custom tools only in the sandbox; the
tool's own failure is a result, bad arguments a 422, a missing sandbox a 503, never a 500."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewloom.config import Settings
from crewloom.engine.tools.access import tenant_workspace
from crewloom.sandbox import SandboxUnavailable, docker_sandbox
from tests.agents.factories import audit_events, create_tool
from tests.conftest import Account, Team, register
from tests.engine.tools.loopback import Loopback

TOOLS = "/api/v1/tools"
SECRET = "tok-tried-9f8e7d6c"
AREA = "def area(width: int, height: int) -> dict:\n    print('measuring')\n    return {'area': width * height}\n"
AREA_SCHEMA = {
    "type": "object",
    "properties": {"width": {"type": "integer"}, "height": {"type": "integer"}},
    "required": ["width", "height"],
}


async def _custom(client: httpx.AsyncClient, account: Account, source: str, **config: Any) -> str:
    created = await create_tool(client, account, name="Script", type="custom", config={"source": source, **config})
    return str(created["id"])


async def _test(client: httpx.AsyncClient, account: Account, tool_id: str, arguments: dict[str, Any]) -> httpx.Response:
    return await client.post(f"{TOOLS}/{tool_id}/test", json={"arguments": arguments}, headers=account.headers)


async def test_a_custom_tool_runs_in_the_sandbox(client: httpx.AsyncClient, team: Team) -> None:
    tool_id = await _custom(client, team.admin, AREA, args_schema=AREA_SCHEMA)

    response = await _test(client, team.member, tool_id, {"width": 3, "height": 4})

    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: body[key] for key in ("ok", "result", "error", "stdout", "stderr", "limit")} == {
        "ok": True,
        "result": {"area": 12},
        "error": None,
        "stdout": "measuring\n",
        "stderr": "",
        "limit": None,
    }
    assert body["duration_ms"] > 0
    [tried] = [event for event in await audit_events(client, team.admin, "tool") if event["action"] == "tool.test"]
    assert (tried["resource_id"], tried["detail"]["type"]) == (tool_id, "custom")


async def test_arguments_that_break_the_schema_are_refused(client: httpx.AsyncClient, account: Account) -> None:
    tool_id = await _custom(client, account, AREA, args_schema=AREA_SCHEMA)

    response = await _test(client, account, tool_id, {"width": "wide"})

    assert response.status_code == 422, response.text
    assert response.json() == {
        "error": "validation_error",
        "detail": [
            {"field": "arguments", "message": "'height' is a required property"},
            {"field": "arguments.width", "message": "'wide' is not of type 'integer'"},
        ],
    }


@pytest.mark.parametrize(
    ("source", "error", "limit"),
    [
        ("def fail():\n    raise ValueError('no bees')\n", "the tool raised ValueError: no bees", None),
        ("def hog():\n    return len(bytearray(2 * 1024 ** 3))\n", "the tool ran out of memory", "memory"),
    ],
)
async def test_a_failing_tool_is_a_result_naming_why(
    client: httpx.AsyncClient, account: Account, source: str, error: str, limit: str | None
) -> None:
    tool_id = await _custom(client, account, source)

    response = await _test(client, account, tool_id, {})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["ok"], body["result"], body["limit"]) == (False, None, limit)
    assert body["error"].startswith(error)


async def test_without_a_sandbox_nothing_runs(
    client: httpx.AsyncClient, account: Account, tmp_path: Path, no_sandbox: None
) -> None:
    marker = tmp_path / "ran"
    tool_id = await _custom(client, account, f"open({str(marker)!r}, 'w').write('ran')\ndef run():\n    return 1\n")

    response = await _test(client, account, tool_id, {})

    assert response.status_code == 503, response.text
    assert response.json()["error"] == "sandbox_unavailable"
    assert response.json()["detail"].startswith("the tool 'Script' cannot run: bubblewrap: ")
    assert not marker.exists()


async def test_a_docker_tool_without_an_engine_is_refused(client: httpx.AsyncClient, account: Account) -> None:
    try:
        docker_sandbox()
    except SandboxUnavailable:
        pass
    else:
        pytest.skip("a Docker engine is available here")
    created = await create_tool(client, account, name="Boxed", type="docker", config={"image": "python:3.12-slim"})

    response = await _test(client, account, created["id"], {})

    assert response.status_code == 503, response.text
    assert response.json()["error"] == "sandbox_unavailable"


async def test_an_http_tool_keeps_to_the_outbound_rules_of_runs(
    client: httpx.AsyncClient, account: Account, loopback: Loopback
) -> None:
    config = {
        "url_template": loopback.url + "/echo?n={{ n }}",
        "args_schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
    }
    created = await create_tool(client, account, config=config, secrets={"X-Api-Key": SECRET})

    response = await _test(client, account, created["id"], {"n": 7})
    refused = await _test(client, account, created["id"], {"n": "seven"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["ok"], body["result"]) == (False, None)
    assert "loopback" in body["error"]
    assert loopback.requests == []
    assert refused.status_code == 422, refused.text


async def test_a_builtin_tool_reads_the_workspace_of_its_tenant(
    client: httpx.AsyncClient, account: Account, settings: Settings
) -> None:
    workspace = tenant_workspace(settings.data_dir, uuid.UUID(account.tenant_id))
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "notes.txt").write_text("The hive holds 40000 bees.\n")
    created = await create_tool(client, account, name="Notes", type="builtin", config={"tool": "file_read"})

    response = await _test(client, account, created["id"], {"file_path": "notes.txt"})
    outside = await _test(client, account, created["id"], {"file_path": "../../secret.key"})
    wrong = await _test(client, account, created["id"], {"file_path": 7})

    assert response.status_code == 200, response.text
    assert (response.json()["ok"], response.json()["result"]) == (True, "The hive holds 40000 bees.\n")
    assert outside.json()["ok"] is False
    assert [problem["field"] for problem in wrong.json()["detail"]] == ["arguments.file_path"]


async def test_only_editors_of_the_workspace_try_its_tools(client: httpx.AsyncClient, team: Team) -> None:
    tool_id = await _custom(client, team.admin, AREA, args_schema=AREA_SCHEMA)
    stranger = await register(client)

    viewer = await _test(client, team.viewer, tool_id, {"width": 1, "height": 1})
    elsewhere = await _test(client, stranger, tool_id, {"width": 1, "height": 1})
    unknown = await _test(client, team.admin, "00000000-0000-0000-0000-000000000000", {})

    assert viewer.status_code == 403, viewer.text
    assert elsewhere.status_code == 404, elsewhere.text
    assert unknown.status_code == 404, unknown.text
