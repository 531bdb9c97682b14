"""Traces: a run is one trace, from the HTTP request through its dispatch and the execution on whichever
process runs it (this one, or a `crewloom worker` exporting over OTLP/HTTP) down to each node and each model
and tool call; a caller's traceparent is continued; no prompt nor secret is in any span; and nothing is
recorded while tracing is off."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from crewloom.config import Settings
from crewloom.kit.encryption import format_keys, new_master_key
from crewloom.observability.tracing import (
    EXECUTION_ID,
    NODE_ID,
    TENANT_ID,
    install_provider,
    node_span,
    trace_carrier,
    traces_endpoint,
    tracing_enabled,
    uninstall_provider,
)
from tests.agents.factories import create_agent
from tests.conftest import REDIS_URL, Account, make_settings, register, separate_database
from tests.executions.cluster import running_workers
from tests.executions.runs import chain, create_flow, execute, llm_node, mock_provider, wait_for
from tests.flows.graphs import edge, input_node, node, output_node
from tests.observability.otlp_receiver import ReceivedSpan, otlp_receiver
from tests.server import running_server
from tests.waiting import eventually

EXECUTE_ROUTE = "POST /api/v1/flows/{flow_id}/execute"
# In the prompt and in a tool's secret: neither may reach a span.
PROMPT_WORD = "Zanzibar"
TOOL_SECRET = "sk-tool-secret-" + "q" * 24


@pytest.fixture(scope="module")
def provider() -> Iterator[TracerProvider]:
    with pytest.MonkeyPatch.context() as patch:
        # As at a process's start, before CrewAI turns the SDK off for its own telemetry.
        patch.delenv("OTEL_SDK_DISABLED", raising=False)
        created = TracerProvider(resource=Resource.create({"service.name": "crewloom-api"}))
    yield created
    created.shutdown()


@pytest.fixture(scope="module")
def spans(provider: TracerProvider) -> Iterator[InMemorySpanExporter]:
    finished = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(finished))
    install_provider(provider)
    yield finished
    uninstall_provider()


@pytest.fixture
def tracing_off(provider: TracerProvider, spans: InMemorySpanExporter) -> Iterator[None]:
    uninstall_provider()
    yield
    install_provider(provider)


@pytest.fixture(scope="module")
def master_keys() -> str:
    return format_keys([new_master_key()])


@pytest.fixture(scope="module")
def traced_url(
    spans: InMemorySpanExporter, master_keys: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An API created while tracing is on, running executions itself; its tools may call it back."""
    settings = make_settings(
        separate_database("traces"),
        tmp_path_factory.mktemp("traced"),
        tool_host_allowlist="127.0.0.1",
        master_keys=master_keys,
    )
    with running_server(settings) as url:
        yield url


@pytest.fixture
async def api(traced_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=traced_url, timeout=30) as http:
        yield http


def _one(spans: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    found = [span for span in spans if span.name == name]
    assert len(found) == 1, [span.name for span in spans]
    return found[0]


def _children(spans: Sequence[ReadableSpan], parent: ReadableSpan, name: str) -> list[ReadableSpan]:
    assert parent.context is not None
    parent_id = parent.context.span_id
    return [
        span for span in spans if span.name == name and span.parent is not None and span.parent.span_id == parent_id
    ]


def _parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def _span_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return int(span.context.span_id)


def _trace_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return int(span.context.trace_id)


async def _run_trace(spans: InMemorySpanExporter, execution_id: str) -> list[ReadableSpan]:
    """The spans of the trace an execution ran in, once its run's span has ended."""

    def runs() -> list[ReadableSpan]:
        return [
            span
            for span in spans.get_finished_spans()
            if span.name == "execution.run" and (span.attributes or {}).get(EXECUTION_ID) == execution_id
        ]

    async def ended() -> bool:
        return bool(runs())

    await eventually(ended, within=30, what="the run's span ending")
    trace_id = _trace_id(runs()[0])
    return [span for span in spans.get_finished_spans() if _trace_id(span) == trace_id]


async def _http_tool(api: httpx.AsyncClient, account: Account, url: str) -> str:
    response = await api.post(
        "/api/v1/tools",
        json={
            "name": "Health",
            "type": "http",
            "config": {"method": "GET", "url_template": url, "args_schema": {"type": "object", "properties": {}}},
            "secrets": {"X-Api-Key": TOOL_SECRET},
        },
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _mixed_graph(provider: str, agent: str, tool: str) -> dict[str, Any]:
    """input -> llm "write" -> agent "agent" -> tool "check" -> output."""
    return {
        "nodes": [
            input_node(),
            llm_node("write", provider, f"Write about {{{{ inputs.topic }}}} in {PROMPT_WORD}"),
            node("agent", "agent", {"agent_id": agent, "task": "Sum up: {{ nodes.write.output }}"}),
            node("check", "tool", {"tool_id": tool}),
            output_node(value="{{ nodes.agent.output }}"),
        ],
        "edges": [edge("in", "write"), edge("write", "agent"), edge("agent", "check"), edge("check", "out")],
    }


def _words_of(span: ReadableSpan | ReceivedSpan) -> str:
    return " ".join(f"{name}={value}" for name, value in (span.attributes or {}).items())


async def test_a_run_is_one_trace_from_the_request_to_each_model_and_tool_call(
    api: httpx.AsyncClient, spans: InMemorySpanExporter, traced_url: str
) -> None:
    account = await register(api)
    provider = await mock_provider(api, account)
    agent = await create_agent(api, account, provider, name="Ann")
    tool = await _http_tool(api, account, f"{traced_url}/healthz")
    flow_id = await create_flow(api, account, _mixed_graph(provider, str(agent["id"]), tool))

    started = await execute(api, account, flow_id, {"topic": "bees"})
    done = await wait_for(api, account, started["id"], seconds=120)
    assert done["status"] == "succeeded", done
    trace = await _run_trace(spans, started["id"])

    request = _one(trace, EXECUTE_ROUTE)
    assert request.kind is SpanKind.SERVER
    assert request.parent is None
    assert (request.attributes or {})["http.response.status_code"] == 202
    dispatch = _one(trace, "execution.dispatch")
    run = _one(trace, "execution.run")
    assert _parent_id(dispatch) == _span_id(request)
    assert _parent_id(run) == _span_id(dispatch)
    ids = {TENANT_ID: account.tenant_id, EXECUTION_ID: started["id"]}
    assert {name: (run.attributes or {})[name] for name in ids} == ids

    nodes = {(span.attributes or {})[NODE_ID]: span for span in trace if span.name.startswith("node ")}
    assert set(nodes) == {"in", "write", "agent", "check", "out"}
    assert {_parent_id(span) for span in nodes.values()} == {_span_id(run)}
    assert nodes["agent"].name == "node agent"
    assert all((span.attributes or {})["crewloom.node.status"] == "succeeded" for span in nodes.values())

    (written,) = _children(trace, nodes["write"], "chat mock-1")
    attributes = written.attributes or {}
    assert attributes["gen_ai.provider.name"] == "mock"
    assert isinstance(attributes["gen_ai.usage.input_tokens"], int)
    assert isinstance(attributes["gen_ai.usage.output_tokens"], int)
    assert attributes["gen_ai.usage.input_tokens"] > 0
    assert attributes["gen_ai.usage.output_tokens"] > 0
    assert {name: attributes[name] for name in (*ids, NODE_ID)} == {**ids, NODE_ID: "write"}
    # The agent's model calls are made from CrewAI's thread, and still belong to its node.
    assert _children(trace, nodes["agent"], "chat mock-1")
    (called,) = _children(trace, nodes["check"], "tool http")
    assert (called.attributes or {})["gen_ai.tool.name"] == "Health"

    for span in trace:
        assert PROMPT_WORD not in _words_of(span), span.name
        assert TOOL_SECRET not in _words_of(span), span.name


async def test_a_callers_traceparent_is_continued(api: httpx.AsyncClient, spans: InMemorySpanExporter) -> None:
    trace_id, parent_id = uuid.uuid4().int, uuid.uuid4().int >> 64
    response = await api.get("/healthz", headers={"traceparent": f"00-{trace_id:032x}-{parent_id:016x}-01"})
    assert response.status_code == 200

    async def recorded() -> bool:
        return any(_trace_id(span) == trace_id for span in spans.get_finished_spans())

    await eventually(recorded, what="the request's span")
    (span,) = [span for span in spans.get_finished_spans() if _trace_id(span) == trace_id]
    assert span.name == "GET /healthz"
    assert _parent_id(span) == parent_id


async def test_a_refused_request_is_traced_with_its_status(api: httpx.AsyncClient, spans: InMemorySpanExporter) -> None:
    spans.clear()
    response = await api.post(f"/api/v1/flows/{uuid.uuid4()}/execute", json={"inputs": {}})
    assert response.status_code == 401

    async def recorded() -> bool:
        return any(span.name == EXECUTE_ROUTE for span in spans.get_finished_spans())

    await eventually(recorded, what="the refused request's span")
    request = _one(spans.get_finished_spans(), EXECUTE_ROUTE)
    assert (request.attributes or {})["http.response.status_code"] == 401
    assert not [span for span in spans.get_finished_spans() if span.name == "execution.dispatch"]


@pytest.mark.usefixtures("tracing_off")
async def test_nothing_is_recorded_while_tracing_is_off(api: httpx.AsyncClient, spans: InMemorySpanExporter) -> None:
    assert not tracing_enabled()
    assert trace_carrier() is None
    # Every helper hands back one shared no-op: the engine pays nothing per node.
    assert node_span("a", "llm") is node_span("b", "tool")
    spans.clear()
    account = await register(api)
    flow_id = await create_flow(api, account, chain(await mock_provider(api, account)))
    started = await execute(api, account, flow_id, {"topic": "bees"})
    assert (await wait_for(api, account, started["id"]))["status"] == "succeeded"
    assert spans.get_finished_spans() == ()


def test_the_exporter_endpoint_comes_from_the_settings_or_opentelemetrys_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    plain = Settings(data_dir=tmp_path)
    assert traces_endpoint(plain) is None
    assert traces_endpoint(Settings(data_dir=tmp_path, otlp_endpoint="http://collector:4318/")) == (
        "http://collector:4318/v1/traces"
    )
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318")
    assert traces_endpoint(plain) == "http://otel:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://otel:4318/custom/traces")
    assert traces_endpoint(plain) == "http://otel:4318/custom/traces"
    # Crewloom's own setting wins over OpenTelemetry's.
    assert traces_endpoint(Settings(data_dir=tmp_path, otlp_endpoint="http://mine:4318")) == (
        "http://mine:4318/v1/traces"
    )


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[str, list[ReceivedSpan]]]:
    with otlp_receiver() as received:
        yield received


@pytest.fixture(scope="module")
def cluster_url(
    spans: InMemorySpanExporter,
    master_keys: str,
    receiver: tuple[str, list[ReceivedSpan]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """An API handing executions to a `crewloom worker` through Redis; the worker exports to ``receiver``."""
    database_url = separate_database("traces_cluster")
    settings = make_settings(
        database_url,
        tmp_path_factory.mktemp("cluster"),
        dispatcher="celery",
        redis_url=REDIS_URL,
        master_keys=master_keys,
    )
    worker_env = {
        "CREWLOOM_DATABASE_URL": database_url,
        "CREWLOOM_REDIS_URL": REDIS_URL,
        "CREWLOOM_MASTER_KEYS": master_keys,
        "CREWLOOM_OTLP_ENDPOINT": receiver[0],
        # Spans leave the worker a tenth of a second after they end.
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        # As on a machine of its own: CrewAI, once loaded by an earlier test, turned the SDK off in this process.
        "OTEL_SDK_DISABLED": "false",
    }
    with running_server(settings) as url, running_workers(worker_env) as workers:
        workers.start("traced", concurrency=1)
        yield url


async def test_a_worker_in_another_process_continues_the_trace_of_the_request(
    cluster_url: str, spans: InMemorySpanExporter, receiver: tuple[str, list[ReceivedSpan]]
) -> None:
    received = receiver[1]
    async with httpx.AsyncClient(base_url=cluster_url, timeout=30) as cluster:
        account = await register(cluster)
        flow_id = await create_flow(cluster, account, chain(await mock_provider(cluster, account)))
        started = await execute(cluster, account, flow_id, {"topic": "bees"})
        assert (await wait_for(cluster, account, started["id"], seconds=60))["status"] == "succeeded"

    def worker_runs() -> list[ReceivedSpan]:
        return [
            span
            for span in received
            if span.name == "execution.run" and span.attributes.get(EXECUTION_ID) == started["id"]
        ]

    async def exported() -> bool:
        return bool(worker_runs())

    await eventually(exported, within=30, what="the worker exporting the run's span")
    (run,) = worker_runs()
    request_trace = [span for span in spans.get_finished_spans() if _trace_id(span) == run.trace_id]
    request = _one(request_trace, EXECUTE_ROUTE)
    dispatch = _one(request_trace, "execution.dispatch")
    assert _parent_id(dispatch) == _span_id(request)
    assert run.service == "crewloom-worker"
    assert run.parent_id == _span_id(dispatch)

    async def node_calls_exported() -> bool:
        return any(span.name == "chat mock-1" and span.trace_id == run.trace_id for span in received)

    await eventually(node_calls_exported, within=30, what="the worker exporting the model call's span")
    in_trace = [span for span in received if span.trace_id == run.trace_id]
    (llm,) = [span for span in in_trace if span.name == "node llm"]
    (call,) = [span for span in in_trace if span.name == "chat mock-1"]
    assert llm.parent_id == run.span_id
    assert call.parent_id == llm.span_id
    assert call.attributes[EXECUTION_ID] == started["id"]
    assert call.attributes[TENANT_ID] == account.tenant_id
    assert call.attributes["gen_ai.usage.output_tokens"] > 0
