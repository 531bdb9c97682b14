"""Executions through Celery: real `crewloom worker` processes on a Redis of the tests' own. A mixed
flow runs to completion; a worker killed mid-run hands its execution to another; one tenant cannot
starve another; Redis going away refuses new runs with 503 and the running ones recover."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import asyncpg
import httpx
import pytest

from crewloom.config import Settings
from crewloom.kit.encryption import format_keys, new_master_key
from tests.agents.factories import create_agent, create_crew, provider_id
from tests.conftest import make_settings, register, separate_database
from tests.executions.cluster import Workers, running_workers
from tests.executions.runs import (
    chain,
    create_flow,
    detail,
    execute,
    follow,
    llm_node,
    mock_provider,
    run_custom_tool,
    wait_for,
)
from tests.flows.graphs import edge, input_node, node, output_node
from tests.private_redis import PrivateRedis, running_private_redis
from tests.server import running_server

LEASE_SECONDS = 3.0
PER_TENANT = 2


class _Weather(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        city = parse_qs(urlparse(self.path).query).get("city", ["?"])[0]
        body = json.dumps({"city": city, "forecast": "sunny"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        return


@pytest.fixture(scope="module")
def weather_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Weather)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    yield from running_private_redis(tmp_path_factory.mktemp("redis"))


@pytest.fixture(scope="module")
def database_url() -> str:
    return separate_database("cluster")


@pytest.fixture(scope="module")
def cluster_env(database_url: str, private_redis: PrivateRedis) -> dict[str, str]:
    key_id, key = new_master_key()
    return {
        "CREWLOOM_DATABASE_URL": database_url,
        "CREWLOOM_REDIS_URL": private_redis.url,
        "CREWLOOM_MASTER_KEYS": format_keys([(key_id, key)]),
        "CREWLOOM_LEASE_SECONDS": str(LEASE_SECONDS),
        "CREWLOOM_HEARTBEAT_SECONDS": "0.5",
        "CREWLOOM_REAPER_INTERVAL_SECONDS": "0.5",
        "CREWLOOM_MAX_RUNNING_PER_TENANT": str(PER_TENANT),
        # The weather server is on loopback, which tools reach only when an admin allows it.
        "CREWLOOM_TOOL_HOST_ALLOWLIST": "127.0.0.1",
    }


@pytest.fixture(scope="module")
def cluster_settings(
    database_url: str, cluster_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return make_settings(
        database_url,
        tmp_path_factory.mktemp("cluster"),
        dispatcher="celery",
        redis_url=cluster_env["CREWLOOM_REDIS_URL"],
        master_keys=cluster_env["CREWLOOM_MASTER_KEYS"],
        max_running_per_tenant=PER_TENANT,
    )


@pytest.fixture(scope="module")
def cluster_url(cluster_settings: Settings) -> Iterator[str]:
    with running_server(cluster_settings) as url:
        yield url


@pytest.fixture(scope="module")
def workers(cluster_env: dict[str, str], cluster_url: str) -> Iterator[Workers]:
    with running_workers(cluster_env) as started:
        started.start("first")
        started.start("second")
        yield started


@pytest.fixture
async def api(cluster_url: str, workers: Workers) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=cluster_url, timeout=30) as http:
        yield http


async def test_a_mixed_flow_runs_to_completion_on_the_workers(api: httpx.AsyncClient, weather_url: str) -> None:
    account = await register(api)
    provider = await provider_id(api, account)
    agents = [str((await create_agent(api, account, provider, name=name))["id"]) for name in ("Ann", "Bob", "Cy")]
    tasks = [
        {"key": key, "description": f"{key} on {{topic}}", "expected_output": "Notes", "agent_id": agents[index]}
        for index, key in enumerate(("research", "outline", "write"))
    ]
    crew = await create_crew(api, account, agents, tasks=tasks)
    tool = await api.post(
        "/api/v1/tools",
        json={
            "name": "Weather",
            "type": "http",
            "config": {
                "method": "GET",
                "url_template": weather_url + "/weather?city={{ city }}",
                "args_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        },
        headers=account.headers,
    )
    assert tool.status_code == 201, tool.text
    graph = {
        "nodes": [
            input_node(),
            llm_node("brief", provider, "Brief on {{ inputs.topic }}"),
            node("check", "condition", {"expression": "inputs.topic != ''"}),
            node("crew", "crew", {"crew_id": crew["id"], "inputs": {"topic": "{{ inputs.topic }}"}}),
            node("weather", "tool", {"tool_id": tool.json()["id"], "arguments": {"city": "{{ inputs.topic }}"}}),
            output_node("out", "{{ nodes.crew.output }} / {{ nodes.weather.output.forecast }}"),
            output_node("nothing", "no topic"),
        ],
        "edges": [
            edge("in", "brief"),
            edge("brief", "check"),
            edge("check", "crew", "true"),
            edge("check", "weather", "true"),
            edge("check", "nothing", "false"),
            edge("crew", "out"),
            edge("weather", "out"),
        ],
    }
    flow_id = await create_flow(api, account, graph)
    started = await execute(api, account, flow_id, {"topic": "Paris"})
    done = await wait_for(api, account, started["id"], seconds=120)
    assert done["status"] == "succeeded", done
    assert done["outputs"]["out"].endswith("/ sunny")
    nodes = {run["node_id"]: run for run in done["nodes"]}
    assert nodes["nothing"]["status"] == "skipped"
    assert [task["key"] for task in nodes["crew"]["details"]["tasks"]] == ["research", "outline", "write"]
    assert nodes["weather"]["output"] == {"city": "Paris", "forecast": "sunny"}
    events = await follow(api, account, started["id"])
    timeline = [(event["type"], event.get("node_id")) for event in events if event["type"] != "node_token"]
    assert [event["data"]["task"] for event in events if event["type"] == "task_completed"] == [
        "research",
        "outline",
        "write",
    ], timeline
    assert events[-1]["type"] == "run_succeeded"


async def _lease_owner(database_url: str, execution_id: str) -> str | None:
    connection = await asyncpg.connect(database_url)
    try:
        owner: str | None = await connection.fetchval(
            "select lease_owner from public.execution_queue where execution_id = $1::uuid", execution_id
        )
        return owner
    finally:
        await connection.close()


HOSTILE_TOOLS = [
    ("def bomb():\n    import os\n    while True:\n        os.fork()\n", "hit its process limit (64)"),
    ("def hog():\n    return len(bytearray(10 * 1024 ** 3))\n", "hit its memory limit (512 MB)"),
    ("def loud():\n    for _ in range(1024):\n        print('x' * 1024 * 1024)\n", "hit its output limit (1 MB)"),
    ("def rude():\n    import os\n    os.kill(os.getppid(), 9)\n    os.kill(os.getpid(), 9)\n", "SIGKILL"),
    ("def sly():\n    return float('nan')\n", "not JSON"),
]


async def test_hostile_custom_tools_fail_their_runs_and_the_workers_live_on(
    api: httpx.AsyncClient, workers: Workers
) -> None:
    account = await register(api)
    for source, reason in HOSTILE_TOOLS:
        done = await run_custom_tool(api, account, source, seconds=120)
        assert done["status"] == "failed", done
        [use] = [run for run in done["nodes"] if run["node_id"] == "use"]
        assert reason in use["error"], use["error"]
    snooping = (
        "import os\n"
        "def snoop():\n"
        "    seen = dict(os.environ)\n"
        "    for path in ('/proc/1/environ', '/etc/shadow'):\n"
        "        try:\n"
        "            seen[path] = open(path).read()\n"
        "        except OSError as exc:\n"
        "            seen[path] = str(exc)\n"
        "    return seen\n"
    )
    done = await run_custom_tool(api, account, snooping, seconds=120)
    assert done["status"] == "succeeded", [(run["node_id"], run["error"]) for run in done["nodes"]]
    seen = done["outputs"]["out"]
    for secret in ("CREWLOOM_MASTER_KEYS", "CREWLOOM_DATABASE_URL", workers.env["CREWLOOM_MASTER_KEYS"]):
        assert secret not in seen
    assert all(worker.process.poll() is None for worker in workers.running.values())


async def test_a_killed_worker_hands_its_execution_on(
    api: httpx.AsyncClient, workers: Workers, database_url: str
) -> None:
    account = await register(api)
    provider = await mock_provider(api, account, latency_ms=1500)
    flow_id = await create_flow(api, account, chain(provider, length=3))
    started = await execute(api, account, flow_id, {"topic": "bees"})
    await wait_for(api, account, started["id"], ("running",))
    owner = await _lease_owner(database_url, started["id"])
    assert owner is not None
    victim = next(name for name in workers.running if name in owner)
    workers.running.pop(victim).signal(signal.SIGKILL)

    done = await wait_for(api, account, started["id"], seconds=90)
    assert done["status"] == "succeeded", done
    assert done["attempts"] == 2
    events = await follow(api, account, started["id"])
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    assert "run_requeued" in [event["type"] for event in events]
    assert await _lease_owner(database_url, started["id"]) is None
    workers.start(victim)


async def test_one_tenant_cannot_starve_another(api: httpx.AsyncClient) -> None:
    busy, quiet = await register(api), await register(api)
    busy_flow = await create_flow(api, busy, chain(await mock_provider(api, busy, latency_ms=700)))
    quiet_flow = await create_flow(api, quiet, chain(await mock_provider(api, quiet, latency_ms=700)))
    flood = [await execute(api, busy, busy_flow, {"topic": str(index)}) for index in range(8)]
    late = [await execute(api, quiet, quiet_flow, {"topic": str(index)}) for index in range(2)]

    peak = 0
    while True:
        listed = (await api.get("/api/v1/executions", params={"limit": 50}, headers=busy.headers)).json()["items"]
        peak = max(peak, sum(item["status"] == "running" for item in listed))
        if all(item["status"] in ("succeeded", "failed") for item in listed):
            break
        await asyncio.sleep(0.05)
    assert peak <= PER_TENANT
    busy_runs = [await detail(api, busy, started["id"]) for started in flood]
    quiet_runs = [await detail(api, quiet, started["id"]) for started in late]
    assert all(run["status"] == "succeeded" for run in busy_runs + quiet_runs)
    # The quiet tenant's runs start before the busy tenant's backlog is through.
    last_busy_start = max(run["started_at"] for run in busy_runs)
    assert all(run["started_at"] < last_busy_start for run in quiet_runs)


async def test_redis_going_away_refuses_new_runs_and_running_ones_recover(
    api: httpx.AsyncClient, private_redis: PrivateRedis
) -> None:
    account = await register(api)
    provider = await mock_provider(api, account, latency_ms=1500)
    flow_id = await create_flow(api, account, chain(provider, length=2))
    started = await execute(api, account, flow_id, {"topic": "bees"})
    await wait_for(api, account, started["id"], ("running",))
    private_redis.stop()
    try:
        refused = await api.post(
            f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"topic": "x"}}, headers=account.headers
        )
        assert refused.status_code == 503
        assert refused.json()["error"] == "service_unavailable"
        # Followers fall back to the log while the bus is away.
        assert (await detail(api, account, started["id"]))["status"] in ("running", "succeeded")
    finally:
        private_redis.start()
    done = await wait_for(api, account, started["id"], seconds=90)
    assert done["status"] == "succeeded", done
    events = await follow(api, account, started["id"])
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    after = await execute(api, account, flow_id, {"topic": "again"})
    assert (await wait_for(api, account, after["id"], seconds=90))["status"] == "succeeded"


async def test_cancel_reaches_a_run_on_a_worker(api: httpx.AsyncClient) -> None:
    account = await register(api)
    provider = await mock_provider(api, account, latency_ms=30_000)
    flow_id = await create_flow(api, account, chain(provider))
    started = await execute(api, account, flow_id, {"topic": "bees"})
    await wait_for(api, account, started["id"], ("running",))
    assert (await api.post(f"/api/v1/executions/{started['id']}/cancel", headers=account.headers)).status_code == 200
    done = await wait_for(api, account, started["id"], seconds=10)
    assert done["status"] == "cancelled"
