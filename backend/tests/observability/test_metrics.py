"""GET /metrics after real work (a flow run, a sandboxed tool, an event stream, a chat socket): every family
the dashboards read, with bounded labels; the queue's depth read from PostgreSQL; an optional token; a
worker's own metrics port; and one sum over the processes of `crewloom api --workers 2`."""

from __future__ import annotations

import re
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from crewloom.app import create_app
from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.models import Tenant
from crewloom.observability.metrics import serve_worker_metrics
from tests.agents.factories import create_tool
from tests.chat.talk import chat_socket, create_session
from tests.cli.running import CliProcess, cli_env
from tests.conftest import Account, make_settings, separate_database
from tests.executions.runs import chain, create_flow, execute, mock_provider, wait_for
from tests.private_redis import free_port
from tests.queue.conftest import claim_now, enqueue_many
from tests.waiting import eventually

FAMILIES = (
    "crewloom_http_requests_total",
    "crewloom_http_request_duration_seconds",
    "crewloom_executions_total",
    "crewloom_execution_duration_seconds",
    "crewloom_queue_depth",
    "crewloom_queue_wait_seconds",
    "crewloom_node_duration_seconds",
    "crewloom_llm_tokens_total",
    "crewloom_llm_cost_usd_total",
    "crewloom_sandbox_runs_total",
    "crewloom_sandbox_limit_hits_total",
    "crewloom_active_connections",
)
AREA = "def area(width: int, height: int) -> dict:\n    return {'area': width * height}\n"
FLOOD = "def flood() -> int:\n    print('x' * 2_000_000)\n    return 1\n"
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-|[0-9a-f]{32}")

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels`` (0 when there is none)."""
    wanted = set(labels.items())
    return sum(found for (sample, found_labels), found in samples.items() if sample == name and wanted <= found_labels)


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


async def test_a_run_shows_in_every_family(client: httpx.AsyncClient, account: Account) -> None:
    before = await scrape(client)
    provider = await mock_provider(client, account)
    flow_id = await create_flow(client, account, chain(provider, length=2))
    started = await execute(client, account, flow_id, {"topic": "bees"})
    done = await wait_for(client, account, started["id"])
    assert done["status"] == "succeeded", done
    tool = await create_tool(client, account, name="Area", type="custom", config={"source": AREA})
    flood = await create_tool(client, account, name="Flood", type="custom", config={"source": FLOOD})
    for tool_id, arguments in ((tool["id"], {"width": 2, "height": 3}), (flood["id"], {})):
        path = f"/api/v1/tools/{tool_id}/test"
        tried = await client.post(path, json={"arguments": arguments}, headers=account.headers)
        assert tried.status_code == 200, tried.text

    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    families = {family.name for family in text_string_to_metric_families((await client.get("/metrics")).text)}
    assert {name.removesuffix("_total") for name in FAMILIES} <= families
    assert grew("crewloom_executions_total", kind="flow", status="succeeded") >= 1
    assert grew("crewloom_execution_duration_seconds_count", kind="flow", status="succeeded") >= 1
    assert grew("crewloom_queue_wait_seconds_count") >= 1
    assert value(after, "crewloom_queue_depth") >= 0
    assert grew("crewloom_node_duration_seconds_count", type="llm", status="succeeded") >= 2
    assert grew("crewloom_node_duration_seconds_count", type="output", status="succeeded") >= 1
    tenant_model = {"tenant": account.tenant_id, "provider": "mock", "model": "mock-1"}
    assert value(after, "crewloom_llm_tokens_total", direction="in", **tenant_model) > 0
    assert value(after, "crewloom_llm_tokens_total", direction="out", **tenant_model) > 0
    assert value(after, "crewloom_llm_cost_usd_total", **tenant_model) >= 0
    assert (after.keys() - before.keys()) >= {("crewloom_llm_cost_usd_total", frozenset(tenant_model.items()))}
    assert grew("crewloom_sandbox_runs_total", backend="bubblewrap", outcome="ok") == 1
    assert grew("crewloom_sandbox_runs_total", backend="bubblewrap", outcome="limit") == 1
    assert grew("crewloom_sandbox_limit_hits_total", backend="bubblewrap", limit="output") == 1
    execute_route = {"method": "POST", "route": "/api/v1/flows/{flow_id}/execute"}
    assert grew("crewloom_http_requests_total", status="202", **execute_route) == 1
    assert grew("crewloom_http_request_duration_seconds_count", **execute_route) == 1
    assert grew("crewloom_http_requests_total", method="GET", route="/api/v1/executions/{execution_id}") >= 1


async def test_routes_are_templates_and_unknown_paths_are_unmatched(
    client: httpx.AsyncClient, account: Account
) -> None:
    unknown = f"/api/v1/no-such-thing/{uuid.uuid4()}"
    before = await scrape(client)

    missing = await client.get(unknown, headers=account.headers)
    anonymous = await client.get("/api/v1/flows")
    odd_method = await client.request("PROPFIND", "/api/v1/flows")
    response = await client.get("/metrics")

    assert (missing.status_code, anonymous.status_code) == (404, 401)
    assert odd_method.status_code == 405
    after = parse(response.text)
    grown = value(after, "crewloom_http_requests_total", route="unmatched", status="404") - value(
        before, "crewloom_http_requests_total", route="unmatched", status="404"
    )
    assert grown == 1
    assert value(after, "crewloom_http_requests_total", method="GET", route="/api/v1/flows", status="401") >= 1
    assert value(after, "crewloom_http_requests_total", method="other", route="/api/v1/flows", status="405") >= 1
    routes = {dict(labels)["route"] for name, labels in after if name == "crewloom_http_requests_total"}
    assert "/metrics" in routes
    assert all(route == "unmatched" or not _ID.search(route) for route in routes), routes
    assert unknown not in response.text
    assert "PROPFIND" not in response.text


async def test_metrics_stay_out_of_the_api_schema(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def connections(client: httpx.AsyncClient, kind: str) -> float:
    return value(await scrape(client), "crewloom_active_connections", kind=kind)


async def settles(read: Callable[[], Awaitable[float]], expected: float) -> None:
    async def reached() -> bool:
        return await read() == expected

    await eventually(reached, what=f"the count going back to {expected}")


async def test_open_event_streams_and_sockets_are_counted(
    client: httpx.AsyncClient, account: Account, base_url: str
) -> None:
    provider = await mock_provider(client, account, latency_ms=1500)
    started = await execute(client, account, await create_flow(client, account, chain(provider)), {"topic": "bees"})
    streams, sockets = await connections(client, "sse"), await connections(client, "websocket")

    async with client.stream("GET", started["events_url"], headers=account.headers) as stream:
        assert stream.status_code == 200
        assert await connections(client, "sse") == streams + 1
    await settles(lambda: connections(client, "sse"), streams)

    session = await create_session(client, account, provider)
    async with chat_socket(base_url, account, session["id"]):
        assert await connections(client, "websocket") == sockets + 1
    await settles(lambda: connections(client, "websocket"), sockets)


@pytest.fixture(scope="module")
def depth_database_url() -> str:
    return separate_database("depth")


@pytest.fixture
async def depth_database(depth_database_url: str) -> AsyncIterator[Database]:
    database = Database(depth_database_url)
    yield database
    await database.dispose()


def quiet_app_client(settings: Settings, database: Database) -> httpx.AsyncClient:
    """The app without its lifespan: no dispatcher claims what the test queues."""
    app = create_app(settings, database=database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://crewloom.test")


async def test_the_queue_depth_counts_waiting_executions_of_every_tenant(
    depth_database: Database, depth_database_url: str, tmp_path: Path
) -> None:
    tenants = [Tenant(name="Busy"), Tenant(name="Small")]
    async with depth_database.session() as session:
        session.add_all(tenants)
        await session.commit()
    await enqueue_many(depth_database, tenants[0].id, 3)
    await enqueue_many(depth_database, tenants[1].id, 1)
    assert await claim_now(depth_database) is not None

    async with quiet_app_client(make_settings(depth_database_url, tmp_path), depth_database) as client:
        samples = await scrape(client)

    assert value(samples, "crewloom_queue_depth") == 3


async def test_a_metrics_token_keeps_strangers_out(
    depth_database: Database, depth_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(depth_database_url, tmp_path, metrics_token="scrape-me-7f6e5d")

    async with quiet_app_client(settings, depth_database) as client:
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer guess"})
        allowed = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-7f6e5d"})

    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert anonymous.json()["error"] == "unauthorized"
    assert allowed.status_code == 200
    assert "crewloom_queue_depth" in allowed.text


@pytest.fixture
def worker_metrics_port() -> Iterator[int]:
    port = free_port()
    server = serve_worker_metrics(port)
    assert server is not None
    yield port
    server.shutdown()
    server.server_close()


async def test_a_worker_serves_its_metrics_on_its_own_port(worker_metrics_port: int) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"http://127.0.0.1:{worker_metrics_port}/metrics")

    assert response.status_code == 200
    families = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"crewloom_executions", "crewloom_node_duration_seconds", "crewloom_llm_tokens"} <= families
    # The depth belongs to the database and is read by the API; no worker repeats it.
    assert "crewloom_queue_depth" not in families


def test_a_worker_without_its_port_runs_on_without_metrics(
    worker_metrics_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    assert serve_worker_metrics(0) is None
    assert serve_worker_metrics(worker_metrics_port) is None
    assert f"cannot serve metrics on port {worker_metrics_port}" in caplog.text


async def test_the_processes_of_one_api_report_together(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = cli_env(CREWLOOM_DATABASE_URL=database_url, CREWLOOM_DATA_DIR=str(tmp_path), CREWLOOM_SECRET_KEY="k" * 48)
    api = CliProcess("api", "--port", str(port), "--workers", "2", env=env)
    try:
        api.wait_for(r"(?s)Application startup complete.*Application startup complete")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for _ in range(20):
                assert (await http.get("/healthz")).status_code == 200
            counted = [
                value(parse((await http.get("/metrics")).text), "crewloom_http_requests_total", route="/healthz")
                for _ in range(4)
            ]
        assert api.signal(signal.SIGTERM) == 0, api.output
    finally:
        api.close()

    assert counted == [20.0] * 4
