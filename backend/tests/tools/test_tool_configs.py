"""Each tool type's configuration: valid ones are stored with defaults, bad ones name config.<field>."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.agents.factories import fields, tool_body
from tests.conftest import Team

TOOLS = "/api/v1/tools"
OBJECT = {"type": "object", "properties": {"q": {"type": "string"}}}
EMPTY_OBJECT = {"type": "object", "properties": {}}


def _tool(tool_type: str, config: dict[str, Any], secrets: dict[str, str] | None = None) -> dict[str, Any]:
    body = tool_body(type=tool_type, config=config)
    return body if secrets is None else {**body, "secrets": secrets}


VALID: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        _tool("builtin", {"tool": "file_read", "settings": {"file_path": "notes.txt", "encoding": "utf-8"}}),
        {"tool": "file_read", "settings": {"file_path": "notes.txt", "encoding": "utf-8"}},
    ),
    (
        _tool("builtin", {"tool": "serper_dev_search", "settings": {"n_results": 3}}, {"SERPER_API_KEY": "k" * 8}),
        {"tool": "serper_dev_search", "settings": {"n_results": 3}},
    ),
    (
        _tool("custom", {"source": "def lookup(q: str) -> str:\n    return q\n", "args_schema": OBJECT}),
        {"source": "def lookup(q: str) -> str:\n    return q\n", "function_name": "lookup", "args_schema": OBJECT},
    ),
    (
        _tool("custom", {"source": "def a():\n    pass\n\nasync def b():\n    pass\n", "function_name": "b"}),
        {
            "source": "def a():\n    pass\n\nasync def b():\n    pass\n",
            "function_name": "b",
            "args_schema": EMPTY_OBJECT,
        },
    ),
    (
        _tool("http", {"method": "POST", "url_template": "http://h/x", "body_template": "{q}", "args_schema": OBJECT}),
        {"method": "POST", "url_template": "http://h/x", "headers": {}, "body_template": "{q}", "args_schema": OBJECT},
    ),
    (
        _tool("docker", {"image": "ghcr.io/org/tool:1.0@sha256:" + "a" * 64}),
        {
            "image": "ghcr.io/org/tool:1.0@sha256:" + "a" * 64,
            "command": [],
            "environment": {},
            "args_schema": EMPTY_OBJECT,
        },
    ),
    (
        _tool("mcp", {"transport": "http", "url": "https://mcp.example.com/mcp"}),
        {"transport": "http", "url": "https://mcp.example.com/mcp", "command": None, "args": [], "tools": []},
    ),
    (
        _tool("mcp", {"transport": "stdio", "command": "npx", "args": ["-y", "srv"]}),
        {"transport": "stdio", "url": None, "command": "npx", "args": ["-y", "srv"], "tools": []},
    ),
    (
        _tool(
            "mcp",
            {"transport": "http", "url": "https://mcp.example.com/mcp", "tools": ["search"]},
            {"Authorization": "Bearer t"},
        ),
        {"transport": "http", "url": "https://mcp.example.com/mcp", "command": None, "args": [], "tools": ["search"]},
    ),
]


@pytest.mark.parametrize(("body", "stored"), VALID)
async def test_valid_configs_are_stored(
    client: httpx.AsyncClient, team: Team, body: dict[str, Any], stored: dict[str, Any]
) -> None:
    response = await client.post(TOOLS, json=body, headers=team.admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["config"] == stored


HUGE_SOURCE = "def f():\n    return 1\n" + "#" * (64 * 1024)
BAD: list[tuple[dict[str, Any], list[str]]] = [
    ({**tool_body(), "type": "shell"}, ["type"]),
    (_tool("http", {"url_template": "https://h", "surprise": 1}), ["config.surprise"]),
    (_tool("builtin", {"tool": "no_such_tool"}), ["config.tool"]),
    (_tool("builtin", {"tool": "file_read", "settings": {"encoding": 7}}), ["config.settings.encoding"]),
    (_tool("builtin", {"tool": "file_read", "settings": {"colour": "red"}}), ["config.settings"]),
    (_tool("builtin", {"tool": "serper_dev_search"}), ["secrets.SERPER_API_KEY"]),
    (
        _tool("builtin", {"tool": "serper_dev_search", "settings": {"SERPER_API_KEY": "k"}}, {"SERPER_API_KEY": "k"}),
        ["config.settings.SERPER_API_KEY"],
    ),
    (_tool("builtin", {"tool": "file_read"}, {"OTHER": "x"}), ["secrets.OTHER"]),
    (_tool("custom", {"source": "x = 1\n"}), ["config.source"]),
    (_tool("custom", {"source": "def a(): pass\ndef b(): pass\n"}), ["config.source"]),
    (_tool("custom", {"source": "def a(): pass\n", "function_name": "b"}), ["config.function_name"]),
    (_tool("custom", {"source": "def a(): pass\n", "function_name": "not valid"}), ["config.function_name"]),
    (_tool("custom", {"source": HUGE_SOURCE}), ["config.source"]),
    (_tool("custom", {"source": "def a(): pass\n", "args_schema": {"type": "string"}}), ["config.args_schema"]),
    (_tool("custom", {"source": "def a(): pass\n", "args_schema": {"type": 3}}), ["config.args_schema"]),
    (_tool("custom", {"source": "def a(): pass\n"}, {"TOKEN": "x"}), ["secrets"]),
    (_tool("http", {"url_template": "https://h", "method": "TRACE"}), ["config.method"]),
    (_tool("http", {"url_template": "ftp://h/x"}), ["config.url_template"]),
    (_tool("http", {"url_template": "https://h", "headers": {"Authorization": "Bearer x"}}), ["config.headers"]),
    (_tool("http", {"url_template": "https://h", "headers": {"X-Api-Key": "x"}}), ["config.headers"]),
    (_tool("docker", {"image": "Not An Image!"}), ["config.image"]),
    (_tool("docker", {"image": "alpine", "environment": {"DB_PASSWORD": "x"}}), ["config.environment"]),
    (_tool("docker", {"image": "alpine", "command": "echo hi"}), ["config.command"]),
    (_tool("docker", {"image": "alpine", "args_schema": {"type": "array"}}), ["config.args_schema"]),
    (_tool("docker", {"image": "alpine"}, {"TOKEN": "x"}), ["secrets"]),
    (_tool("mcp", {"transport": "http"}), ["config.url"]),
    (_tool("mcp", {"transport": "http", "url": "https://h", "command": "npx"}), ["config.command"]),
    (_tool("mcp", {"transport": "stdio"}), ["config.command"]),
    (_tool("mcp", {"transport": "stdio", "command": "npx", "url": "https://h"}), ["config.url"]),
    (_tool("mcp", {"transport": "stdio", "command": "npx"}, {"GH_TOKEN": "x" * 8}), ["secrets"]),
    (_tool("mcp", {"transport": "pipe", "command": "npx"}), ["config.transport"]),
    ({**tool_body(), "secrets": {"bad name!": "x"}}, ["secrets.bad name!.[key]"]),
]


@pytest.mark.parametrize(("body", "expected"), BAD)
async def test_bad_configs_name_the_field(
    client: httpx.AsyncClient, team: Team, body: dict[str, Any], expected: list[str]
) -> None:
    response = await client.post(TOOLS, json=body, headers=team.admin.headers)
    assert fields(response) == expected


async def test_a_syntax_error_reports_its_line_and_column(client: httpx.AsyncClient, team: Team) -> None:
    source = "def lookup(q):\n    value = (q +\n    return value\n"
    response = await client.post(TOOLS, json=_tool("custom", {"source": source}), headers=team.admin.headers)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "config.source"
    assert problem["line"] == 2
    assert problem["column"] >= 1
    assert "syntax error" in problem["message"]


async def test_custom_source_is_never_executed(client: httpx.AsyncClient, team: Team, tmp_path: Any) -> None:
    markers = [tmp_path / name for name in ("module", "decorator", "default", "annotation")]
    source = (
        f"open({str(markers[0])!r}, 'w').write('ran')\n"
        "def mark(path):\n"
        "    open(path, 'w').write('ran')\n"
        "    return lambda function: function\n"
        f"@mark({str(markers[1])!r})\n"
        f"def tool(q: open({str(markers[3])!r}, 'w').write('ran') = open({str(markers[2])!r}, 'w').write('ran')):\n"
        "    return q\n"
    )
    body = _tool("custom", {"source": source, "function_name": "tool"})
    created = await client.post(TOOLS, json=body, headers=team.admin.headers)
    assert created.status_code == 201, created.text
    url = f"{TOOLS}/{created.json()['id']}"
    assert (await client.put(url, json={**body, "version": 1, "name": "Again"}, headers=team.admin.headers)).is_success
    assert (await client.get(url, headers=team.admin.headers)).json()["config"]["source"] == source
    assert (await client.get(TOOLS, headers=team.admin.headers)).is_success
    assert [marker for marker in markers if marker.exists()] == []
