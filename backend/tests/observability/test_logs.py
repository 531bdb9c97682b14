"""Log lines as the commands configure them: JSON objects carrying the ids of the request, tenant, user,
execution and node, and never a password, token, API key, provider key or tool secret, even at DEBUG and
even when a provider echoes its key back; the request id comes from a sane X-Request-ID or is made."""

from __future__ import annotations

import io
import json
import logging
import re
import signal
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewloom.observability.context import hide, log_scope
from crewloom.observability.logging import LogFormat, configure_logging
from tests.agents.factories import create_tool
from tests.cli.running import CliProcess, cli_env
from tests.conftest import REDIS_URL, Account, make_settings, register, separate_database
from tests.engine.tools.loopback import Loopback, running_loopback
from tests.executions.runs import create_flow, execute, follow, llm_node, wait_for
from tests.flows.graphs import edge, input_node, node, output_node
from tests.llm.fake_openai import GOOD_KEY, FakeOpenAI, running_fake_openai
from tests.private_redis import free_port
from tests.server import running_server

_CONFIGURED = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "LiteLLM", "LiteLLM Router", "LiteLLM Proxy")
_HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(scope="module")
def database_url() -> str:
    return separate_database("logs")


@pytest.fixture(scope="module")
def base_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An API whose admin allowed the loopback host, where the tool's server and the model's listen."""
    settings = make_settings(database_url, tmp_path_factory.mktemp("logs-data"), tool_host_allowlist="127.0.0.1")
    with running_server(settings) as url:
        yield url


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as fake:
        yield fake


@pytest.fixture(scope="module")
def loopback() -> Iterator[Loopback]:
    with running_loopback() as state:
        yield state


class AppLogs:
    """This process's logging as `crewloom api` configures it, into a buffer, then put back as it was."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._saved: list[tuple[logging.Logger, list[logging.Handler], int, bool]] = []
        self.buffer = io.StringIO()

    def start(self, log_format: LogFormat = "json", level: str = "DEBUG") -> None:
        for name in _CONFIGURED:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.handlers[:], logger.level, logger.propagate))
        with self._monkeypatch.context() as patched:
            patched.setattr(sys, "stderr", self.buffer)
            configure_logging(log_format, level)
        # uvicorn given this configuration and no level of its own, as the commands run it, leaves its loggers
        # at the root's level; the test server was started at "warning".
        for name in ("uvicorn.error", "uvicorn.access"):
            logging.getLogger(name).setLevel(logging.NOTSET)

    def stop(self) -> None:
        for logger, handlers, level, propagate in self._saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate

    def lines(self) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in self.buffer.getvalue().splitlines()]
        assert parsed, "nothing was logged"
        for line in parsed:
            assert {"ts", "level", "logger", "message"} <= line.keys(), line
        return parsed


@pytest.fixture
def app_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[AppLogs]:
    logs = AppLogs(monkeypatch)
    yield logs
    logs.stop()


def compatible_provider(base_url: str, api_key: str) -> dict[str, Any]:
    return {
        "name": f"Local {api_key[-6:]}",
        "type": "openai_compatible",
        "base_url": base_url,
        "default_model": "tiny-model",
        "api_key": api_key,
    }


async def created(client: httpx.AsyncClient, account: Account, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_a_full_run_logs_its_ids_and_none_of_its_secrets(
    client: httpx.AsyncClient, app_logs: AppLogs, fake_openai: FakeOpenAI, loopback: Loopback
) -> None:
    tool_secret = f"tool-secret-{uuid.uuid4().hex}"
    # A key the model server refuses, echoing it in its error (as some servers do).
    wrong_key = f"wrong-key-{uuid.uuid4().hex}"
    app_logs.start()

    account = await register(client)
    first_access_token = account.access_token
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert refreshed.status_code == 200, refreshed.text
    tokens = refreshed.json()
    account.access_token = tokens["access_token"]
    good = await created(client, account, "/api/v1/llm-providers", compatible_provider(fake_openai.base_url, GOOD_KEY))
    refused = await created(
        client, account, "/api/v1/llm-providers", compatible_provider(fake_openai.base_url, wrong_key)
    )
    tool = await create_tool(
        client,
        account,
        config={
            "url_template": loopback.url + "/echo?city={{ city }}",
            "args_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
        secrets={"X-Api-Key": tool_secret},
    )
    answered = {
        "nodes": [
            input_node(),
            llm_node("ask", good["id"], "Weather in {{ inputs.topic }}?", model="tiny-model"),
            node("weather", "tool", {"tool_id": tool["id"], "arguments": {"city": "{{ inputs.topic }}"}}),
            output_node("out", "{{ nodes.ask.output }} / {{ nodes.weather.output.path }}"),
        ],
        "edges": [edge("in", "ask"), edge("ask", "weather"), edge("weather", "out")],
    }
    key = await created(client, account, "/api/v1/api-keys", {"name": "ci", "role": "member"})
    run = await client.post(
        f"/api/v1/run/{await create_flow(client, account, answered)}",
        params={"wait": "true", "timeout": "10"},
        json={"inputs": {"topic": "Paris"}},
        headers={"Authorization": f"Bearer {key['key']}"},
    )
    assert run.status_code in (200, 202), run.text
    done = await wait_for(client, account, run.json()["id"], seconds=120)
    assert done["status"] == "succeeded", done
    failing = {
        "nodes": [input_node(), llm_node("ask", refused["id"], "Hello", model="tiny-model"), output_node()],
        "edges": [edge("in", "ask"), edge("ask", "out")],
    }
    started = await execute(client, account, await create_flow(client, account, failing), {"topic": "x"})
    events = await follow(client, account, started["id"])
    assert events[-1]["type"] == "run_failed"
    assert any(call["key"] == wrong_key for call in fake_openai.calls)
    assert any(request["headers"].get("X-Api-Key") == tool_secret for request in loopback.requests)

    lines = app_logs.lines()
    text = app_logs.buffer.getvalue()
    secrets = {
        "password": account.password,
        "access token": account.access_token,
        "first access token": first_access_token,
        "refresh token": account.refresh_token,
        "rotated refresh token": tokens["refresh_token"],
        "API key": key["key"],
        "provider key": GOOD_KEY,
        "echoed provider key": wrong_key,
        "tool secret": tool_secret,
    }
    leaked = [what for what, secret in secrets.items() if secret in text]
    assert leaked == [], f"{leaked} in the logs"

    # The model server's lines, logged by this process too, are left out: it is not the API.
    access = [line for line in lines if line["logger"] == "uvicorn.access" and " /api/v1/" in line["message"]]
    assert access
    assert [line for line in access if not _HEX32.fullmatch(line.get("request_id", ""))] == []
    [run_line] = [line for line in access if "/api/v1/run/" in line["message"]]
    assert (run_line["tenant_id"], run_line["api_key_id"]) == (account.tenant_id, key["id"])
    assert "user_id" not in run_line
    [follow_line] = [line for line in access if f"/executions/{started['id']}/events" in line["message"]]
    assert (follow_line["tenant_id"], follow_line["user_id"]) == (account.tenant_id, account.user_id)
    running = [line for line in lines if line["message"].startswith("running execution")]
    assert {line["execution_id"] for line in running} >= {done["id"], started["id"]}
    assert all(line["tenant_id"] == account.tenant_id and "request_id" not in line for line in running)
    nodes = {line["node_id"] for line in lines if line.get("execution_id") == started["id"] and "node_id" in line}
    assert "ask" in nodes


async def test_the_request_id_is_the_clients_when_sane(client: httpx.AsyncClient) -> None:
    sane = await client.get("/healthz", headers={"X-Request-ID": "trace-7f3a.42:b"})
    odd = await client.get("/healthz", headers={"X-Request-ID": "two words\tand a tab"})
    long = await client.get("/healthz", headers={"X-Request-ID": "x" * 200})
    missing = await client.get("/healthz")

    assert sane.headers["x-request-id"] == "trace-7f3a.42:b"
    for response in (odd, long, missing):
        assert _HEX32.fullmatch(response.headers["x-request-id"]), response.headers
    assert missing.headers["x-request-id"] != long.headers["x-request-id"]


def test_secrets_and_credential_shapes_never_reach_a_line(app_logs: AppLogs) -> None:
    logger = logging.getLogger("tests.observability")
    registered = "plain-words-secret-31337"
    app_logs.start()

    with log_scope(request_id="r-1", tenant_id="t-1"):
        hide({registered})
        logger.info("calling with %s", registered)
        logger.info("header Authorization: Bearer abc.def-ghi_jkl and x-api-key=k-123456")
        logger.info('body {"password": "hunter2 horse", "token": "t0k3n"} key sk-proj-0123456789abcdefghij')
        logger.info("jwt eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl and key cl_abcd1234_s3cr3tPart")
        try:
            raise RuntimeError(f"failed with {registered}")
        except RuntimeError:
            logger.exception("it broke")
    logger.info("after the scope")

    lines = app_logs.lines()
    text = app_logs.buffer.getvalue()
    hidden = (registered, "abc.def-ghi_jkl", "k-123456", "hunter2", "horse", "t0k3n", "0123456789abcdef", "s3cr3t")
    assert [secret for secret in hidden if secret in text] == []
    assert "eyJzdWIiOiIx" not in text
    assert "cl_abcd1234_[redacted]" in text
    messages = {line["message"]: line for line in lines if line["logger"] == "tests.observability"}
    assert messages["calling with [redacted]"]["request_id"] == "r-1"
    assert messages["calling with [redacted]"]["tenant_id"] == "t-1"
    broke = messages["it broke"]
    assert "RuntimeError: failed with [redacted]" in broke["exc_info"]
    assert "request_id" not in messages["after the scope"]


def test_text_lines_name_their_context(app_logs: AppLogs) -> None:
    app_logs.start("text", "INFO")
    with log_scope(request_id="r-2", execution_id="e-2"):
        logging.getLogger("tests.observability").info("password=hunter2 for a person")

    [line] = [line for line in app_logs.buffer.getvalue().splitlines() if "tests.observability" in line]
    expected = r"\S+ \S+ INFO tests\.observability \[request_id=r-2 execution_id=e-2\] password=\[redacted\]"
    assert re.fullmatch(expected + " for a person", line), line


def test_a_worker_logs_json_lines_and_serves_its_metrics(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = cli_env(
        CREWLOOM_DATABASE_URL=database_url,
        CREWLOOM_REDIS_URL=REDIS_URL,
        CREWLOOM_DATA_DIR=str(tmp_path),
        CREWLOOM_METRICS_PORT=str(port),
    )
    worker = CliProcess("worker", "--concurrency", "1", "--hostname", "logs@observability-tests", env=env)
    try:
        worker.wait_for(r"logs@observability-tests ready\.")
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        # Celery prints its shutdown notices itself, past any logging configuration.
        output = worker.output
        assert worker.signal(signal.SIGTERM) == 0, worker.output
    finally:
        worker.close()

    assert metrics.status_code == 200
    assert "crewloom_executions_total" in metrics.text
    lines = [json.loads(line) for line in output.splitlines()]
    assert any(line["logger"] == "celery.apps.worker" and line["level"] == "INFO" for line in lines), lines
