"""What the engine benchmark (``engine.py``) runs against: its own PostgreSQL database and Redis database, real
``crewloom api`` and ``crewloom worker`` processes started with the settings a deployment would give them, an
OpenAI-compatible chat-completions server on loopback, the flows it runs, and the few API calls it makes.

Running this file by itself does nothing: ``make bench`` runs every ``bench/*.py``, and this one only holds
definitions for ``engine.py``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
from redis.asyncio import Redis
from sqlalchemy import make_url

from crewloom.db.engine import async_url
from crewloom.engine.runtime.events import TERMINAL_TYPES
from crewloom.kit.encryption import format_keys, new_master_key

DATABASE_URL = os.environ.get(
    "CREWLOOM_BENCH_ENGINE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/crewloom_bench_engine"
)
REDIS_URL = os.environ.get("CREWLOOM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
# Where each process's output is also written, one file per process, when set: for looking into a figure.
LOG_DIR = os.environ.get("CREWLOOM_BENCH_LOG_DIR")
CREWLOOM = str(Path(sys.executable).with_name("crewloom"))
# Importing the app, Celery and LiteLLM takes a while on a busy two-core machine.
STARTUP_SECONDS = 120.0
STOP_SECONDS = 20.0
PASSWORD = "bench password 0123"
REPLY_PREFIX = "Thought: I now can give a great answer\nFinal Answer: "
# The one input of every flow and crew the benchmark runs.
TOPIC = "honey bees"


class BenchError(Exception):
    """Something the benchmark needs did not work; the message says what."""


async def on_admin_database(statement: str) -> None:
    """Runs ``statement`` (with ``{name}`` for the bench database) on the server's ``postgres`` database."""
    url = make_url(async_url(DATABASE_URL))
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(statement.format(name=url.database))
    finally:
        await connection.close()


async def empty_redis() -> None:
    """Empties the bench's own Redis database: queue messages and event streams of an earlier run."""
    client = Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


def crewloom_env(data_dir: Path, *, redis: bool, **settings: str) -> dict[str, str]:
    """This process's environment without any Crewloom setting of its own, plus the bench's database and keys,
    its Redis when ``redis`` (else the event bus is in memory, as under a plain ``crewloom up``), and
    ``settings`` by their Settings name (``dispatcher="celery"`` is ``CREWLOOM_DISPATCHER``)."""
    key_id, key = new_master_key()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CREWLOOM_")}
    env.update(
        PYTHONUNBUFFERED="1",
        CREWLOOM_DATABASE_URL=DATABASE_URL,
        CREWLOOM_MASTER_KEYS=format_keys([(key_id, key)]),
        CREWLOOM_SECRET_KEY=secrets.token_urlsafe(48),
        CREWLOOM_DATA_DIR=str(data_dir),
    )
    if redis:
        env["CREWLOOM_REDIS_URL"] = REDIS_URL
    env.update({f"CREWLOOM_{name.upper()}": value for name, value in settings.items()})
    return env


class CrewloomProcess:
    """A ``crewloom`` command in a session of its own, its combined output collected line by line."""

    def __init__(self, *args: str, env: Mapping[str, str]) -> None:
        self.name = args[0]
        self._process = subprocess.Popen(  # noqa: S603 - our own console script, arguments built here
            [CREWLOOM, *args],
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        if self._process.stdout is None:
            return
        copy = None
        if LOG_DIR:
            Path(LOG_DIR).mkdir(parents=True, exist_ok=True)
            copy = (Path(LOG_DIR) / f"{self.name}-{self._process.pid}.log").open("w", encoding="utf-8")
        for line in self._process.stdout:
            self._lines.append(line)
            if copy is not None:
                copy.write(line)
        if copy is not None:
            copy.close()

    def output_tail(self, lines: int = 30) -> str:
        return "".join(self._lines[-lines:])

    def wait_for(self, pattern: str, timeout: float = STARTUP_SECONDS) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, "".join(self._lines))
            if found:
                return found
            if self._process.poll() is not None:
                self._reader.join(timeout=5)
                raise BenchError(
                    f"`crewloom {self.name}` exited with {self._process.returncode}:\n{self.output_tail()}"
                )
            time.sleep(0.05)
        raise BenchError(f"`crewloom {self.name}` did not print {pattern!r} within {timeout:.0f} s")

    def terminate(self) -> None:
        """SIGTERM to its whole session: a graceful stop, which ``stop`` waits for."""
        if self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)

    def stop(self) -> None:
        """Stops it gracefully, and with SIGKILL if it is not gone in time."""
        self.terminate()
        try:
            self._process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=STOP_SECONDS)
        self._reader.join(timeout=5)


@contextmanager
def running_api(env: Mapping[str, str]) -> Iterator[str]:
    """``crewloom api`` on a free loopback port; yields its base URL."""
    api = CrewloomProcess("api", "--host", "127.0.0.1", "--port", "0", env=env)
    try:
        yield api.wait_for(r"Crewloom API at (http://\S+)").group(1)
    finally:
        api.stop()


class Workers:
    """``crewloom worker`` processes, started side by side and stopped together, as often as needed."""

    def __init__(self, env: Mapping[str, str], names: list[str], concurrency: int) -> None:
        self._env = env
        self._names = names
        self._concurrency = concurrency
        self._running: list[CrewloomProcess] = []

    def start(self) -> None:
        """Returns once every one of them is ready (blocking)."""
        for name in self._names:
            self._running.append(
                CrewloomProcess("worker", "--concurrency", str(self._concurrency), "--hostname", name, env=self._env)
            )
        for worker in self._running:
            worker.wait_for(r"\bready\b")

    def stop(self) -> None:
        # All at once: each waits for its runs before it exits.
        for worker in self._running:
            worker.terminate()
        for worker in self._running:
            worker.stop()
        self._running.clear()


class _ChatHandler(BaseHTTPRequestHandler):
    # Keep-alive, as OpenAI's clients expect.
    protocol_version = "HTTP/1.1"
    server: LoopbackChatServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        time.sleep(self.server.latency_seconds)
        self.server.count_call()
        content = REPLY_PREFIX + "Three short notes on the subject."
        message = {"role": "assistant", "content": content}
        usage = {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}
        answer = {"id": "chatcmpl-bench", "created": int(time.time()), "model": body.get("model", "bench")}
        if body.get("stream"):
            chunk = {**answer, "object": "chat.completion.chunk"}
            events = [
                {**chunk, "choices": [{"index": 0, "delta": message, "finish_reason": None}]},
                {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": usage},
            ]
            payload = "".join(f"data: {json.dumps(event)}\n\n" for event in events) + "data: [DONE]\n\n"
            self._send(payload.encode(), "text/event-stream")
            return
        choices = [{"index": 0, "message": message, "finish_reason": "stop"}]
        self._send(json.dumps({**answer, "object": "chat.completion", "choices": choices, "usage": usage}).encode())

    def _send(self, payload: bytes, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


class LoopbackChatServer(ThreadingHTTPServer):
    """OpenAI's ``/v1/chat/completions`` on a free loopback port: every call is answered after a fixed latency
    with a final answer in the ReAct text CrewAI parses, whatever the key and the model."""

    daemon_threads = True

    def __init__(self, latency_seconds: float) -> None:
        super().__init__(("127.0.0.1", 0), _ChatHandler)
        self.latency_seconds = latency_seconds
        self.calls = 0
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def count_call(self) -> None:
        with self._lock:
            self.calls += 1


@contextmanager
def running_chat_server(latency_seconds: float) -> Iterator[LoopbackChatServer]:
    server = LoopbackChatServer(latency_seconds)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=STOP_SECONDS)


@dataclass(frozen=True)
class Account:
    tenant_id: uuid.UUID
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def _body(response: httpx.Response, expected: int) -> Any:
    if response.status_code != expected:
        raise BenchError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response.json()


async def register(api: httpx.AsyncClient, tenant_name: str) -> Account:
    body = {
        "email": f"bench-{uuid.uuid4().hex[:12]}@example.com",
        "password": PASSWORD,
        "display_name": "Bench",
        "tenant_name": tenant_name,
    }
    created = _body(await api.post("/api/v1/auth/register", json=body), 201)
    return Account(tenant_id=uuid.UUID(created["tenant"]["id"]), access_token=created["access_token"])


async def create(api: httpx.AsyncClient, account: Account, resource: str, body: dict[str, Any]) -> str:
    """Creates a resource (``flows``, ``agents``, ``llm-providers``...) and returns its id."""
    created = _body(await api.post(f"/api/v1/{resource}", json=body, headers=account.headers), 201)
    if created.get("problems"):
        raise BenchError(f"the {resource} body has problems: {created['problems']}")
    return str(created["id"])


async def start(api: httpx.AsyncClient, account: Account, path: str, inputs: dict[str, Any]) -> str:
    """POSTs ``path`` (a flow's execute or a crew's kickoff) and returns the new execution's id."""
    started = _body(await api.post(path, json={"inputs": inputs}, headers=account.headers), 202)
    return str(started["id"])


async def execution(api: httpx.AsyncClient, account: Account, execution_id: str) -> dict[str, Any]:
    found: dict[str, Any] = _body(await api.get(f"/api/v1/executions/{execution_id}", headers=account.headers), 200)
    return found


def node(node_id: str, node_type: str, config: dict[str, Any]) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "position": {"x": 0, "y": 0}, "config": config}


def chain(provider: str, length: int, *, first_provider: str | None = None) -> dict[str, Any]:
    """input -> llm_1 -> ... -> llm_n -> output; ``first_provider`` answers llm_1 when given."""
    llms = [
        node(
            f"llm_{index}",
            "llm",
            {
                "provider_id": first_provider if index == 1 and first_provider else provider,
                "model": "mock-1",
                "prompt": f"Step {index} on {{{{ inputs.topic }}}}",
            },
        )
        for index in range(1, length + 1)
    ]
    ids = ["in", *(llm["id"] for llm in llms), "out"]
    nodes = [
        node("in", "input", {"fields": [{"name": "topic", "type": "string"}]}),
        *llms,
        node("out", "output", {"value": f"{{{{ nodes.{ids[-2]}.output }}}}"}),
    ]
    edges = [
        {"id": f"{source}-{target}", "source": source, "target": target} for source, target in itertools.pairwise(ids)
    ]
    return {"nodes": nodes, "edges": edges}


async def mock_provider(api: httpx.AsyncClient, account: Account, name: str, options: dict[str, Any]) -> str:
    body = {"name": name, "type": "mock", "default_model": "mock-1", "options": options}
    return await create(api, account, "llm-providers", body)


def event_time(event: Mapping[str, Any]) -> float:
    """When the worker emitted an event, in seconds since the epoch."""
    return datetime.fromisoformat(str(event["at"])).timestamp()


async def follow(
    base_url: str,
    account: Account,
    execution_id: str,
    on_event: Callable[[float, dict[str, Any]], None] | None = None,
    on_connected: Callable[[float], None] | None = None,
) -> str:
    """Follows an execution's events over SSE until its terminal event, whose type it returns. ``on_connected``
    hears when the stream's headers arrived and ``on_event`` each event with the time its chunk was read.

    A bare HTTP/1.1 reader: with hundreds of followers in this one process, a general-purpose client spends
    more CPU per event than the server, and its delay would be counted as the server's."""
    address = urlsplit(base_url)
    path = f"/api/v1/executions/{execution_id}/events"
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\nAccept: text/event-stream\r\n"
            f"Authorization: Bearer {account.access_token}\r\n\r\n".encode()
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        if head.split(" ", 2)[1] != "200" or "transfer-encoding: chunked" not in head.lower():
            raise BenchError(f"GET {path}: {head.splitlines()[0]}")
        if on_connected is not None:
            on_connected(time.time())
        pending = ""
        # One chunk per frame as the server writes them; a frame split across chunks waits for its end.
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            pending += (await reader.readexactly(size + 2))[:-2].decode()
            received = time.time()
            *frames, pending = pending.split("\n\n")
            for line in (line for frame in frames for line in frame.splitlines()):
                if not line.startswith("data: "):
                    continue
                event: dict[str, Any] = json.loads(line.removeprefix("data: "))
                if on_event is not None:
                    on_event(received, event)
                if event["type"] in TERMINAL_TYPES:
                    return str(event["type"])
    finally:
        writer.close()
    raise BenchError(f"the events of execution {execution_id} ended before its terminal event")
