"""Building, starting and following executions through the API, for the execution tests."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import httpx

from tests.conftest import Account
from tests.flows.graphs import edge, input_node, node, output_node

SETTLED = ("succeeded", "failed", "cancelled")


async def mock_provider(
    client: httpx.AsyncClient, account: Account, *, responses: list[dict[str, Any]] | None = None, latency_ms: int = 0
) -> str:
    """A mock provider of its own, scripted: ``responses`` as the gateway's mock understands them."""
    options: dict[str, Any] = {"latency_ms": latency_ms}
    if responses is not None:
        options["responses"] = responses
    response = await client.post(
        "/api/v1/llm-providers",
        json={
            "name": f"Scripted {len(str(options))}-{id(options)}",
            "type": "mock",
            "default_model": "mock-1",
            "options": options,
        },
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def llm_node(node_id: str, provider: str, prompt: str, **config: Any) -> dict[str, Any]:
    return node(node_id, "llm", {"provider_id": provider, "model": "mock-1", "prompt": prompt, **config})


def chain(provider: str, length: int = 1) -> dict[str, Any]:
    """input -> llm_1 -> ... -> llm_n -> output."""
    llms = [llm_node(f"llm_{index}", provider, f"Step {index} on {{{{ inputs.topic }}}}") for index in range(length)]
    ids = ["in", *(llm["id"] for llm in llms), "out"]
    return {
        "nodes": [input_node(), *llms, output_node(value=f"{{{{ nodes.{ids[-2]}.output }}}}")],
        "edges": [edge(source, target) for source, target in itertools.pairwise(ids)],
    }


async def create_flow(client: httpx.AsyncClient, account: Account, graph: dict[str, Any], name: str = "Run me") -> str:
    response = await client.post("/api/v1/flows", json={"name": name, "graph": graph}, headers=account.headers)
    assert response.status_code == 201, response.text
    assert response.json()["problems"] == [], response.json()["problems"]
    return str(response.json()["id"])


async def execute(
    client: httpx.AsyncClient, account: Account, flow_id: str, inputs: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": inputs or {}}, headers=account.headers
    )
    assert response.status_code == 202, response.text
    started: dict[str, Any] = response.json()
    return started


async def detail(client: httpx.AsyncClient, account: Account, execution_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/executions/{execution_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def wait_for(
    client: httpx.AsyncClient,
    account: Account,
    execution_id: str,
    statuses: tuple[str, ...] = SETTLED,
    seconds: float = 60.0,
) -> dict[str, Any]:
    """The execution once its status is one of ``statuses``; fails the test after ``seconds``."""
    for _ in range(int(seconds / 0.05)):
        found = await detail(client, account, execution_id)
        if found["status"] in statuses:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"execution {execution_id} stayed {found['status']}")


def parse_frames(text: str) -> tuple[list[dict[str, Any]], int]:
    """The events of an SSE body, and how many heartbeat comments it held."""
    events, heartbeats = [], 0
    for frame in text.split("\n\n"):
        if not frame.strip():
            continue
        if frame.startswith(":"):
            heartbeats += 1
            continue
        fields = dict(line.split(": ", 1) for line in frame.splitlines())
        payload = json.loads(fields["data"])
        assert int(fields["id"]) == payload["id"]
        assert fields["event"] == payload["type"]
        events.append(payload)
    return events, heartbeats


async def follow(
    client: httpx.AsyncClient, account: Account, execution_id: str, *, last_event_id: int | None = None
) -> list[dict[str, Any]]:
    """Every event of the stream until the server ends it after the terminal event."""
    headers = dict(account.headers)
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    async with client.stream("GET", f"/api/v1/executions/{execution_id}/events", headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        body = (await response.aread()).decode()
    return parse_frames(body)[0]


def branching_graph(provider: str) -> dict[str, Any]:
    """input -> llm -> condition on the input -> (true) loud output | (false) quiet output."""
    return {
        "nodes": [
            input_node("in", "topic", "loud"),
            llm_node("write", provider, "Write about {{ inputs.topic }}"),
            node("check", "condition", {"expression": "inputs.loud == 'yes'"}),
            output_node("shout", "LOUD: {{ nodes.write.output }}"),
            output_node("whisper", "quiet: {{ nodes.write.output }}"),
        ],
        "edges": [
            edge("in", "write"),
            edge("write", "check"),
            edge("check", "shout", "true"),
            edge("check", "whisper", "false"),
        ],
    }


async def run_custom_tool(
    client: httpx.AsyncClient, account: Account, source: str, *, seconds: float = 60.0
) -> dict[str, Any]:
    """Saves a custom tool of ``source``, runs it in a flow input -> tool "use" -> output "out", and gives the
    settled execution."""
    tool = await client.post(
        "/api/v1/tools",
        json={"name": "Helper", "type": "custom", "config": {"source": source}},
        headers=account.headers,
    )
    assert tool.status_code == 201, tool.text
    graph = {
        "nodes": [
            input_node(),
            node("use", "tool", {"tool_id": tool.json()["id"]}),
            output_node("out", "{{ nodes.use.output }}"),
        ],
        "edges": [edge("in", "use"), edge("use", "out")],
    }
    started = await execute(client, account, await create_flow(client, account, graph), {"topic": "bees"})
    return await wait_for(client, account, started["id"], seconds=seconds)
