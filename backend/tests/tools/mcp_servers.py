"""MCP servers for the tool tests: a real streamable-HTTP server (the SDK's FastMCP under uvicorn, in a thread
of its own, on a free loopback port), a listener that never answers, and a stdio server written with the
standard library only, so that it runs under the sandbox's own python3."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from mcp.server.fastmcp import Context, FastMCP

START_LIMIT_SECONDS = 20


@dataclass
class McpServer:
    url: str
    # The X-Api-Key header of each call of ``whoami``.
    keys_seen: list[str | None] = field(default_factory=list)


def _server(state: McpServer) -> FastMCP:
    server = FastMCP("Test tools", stateless_http=True, json_response=True, log_level="WARNING")

    @server.tool(description="Adds two whole numbers")
    def add(a: int, b: int) -> int:
        return a + b

    @server.tool(description="Says hello to someone")
    def greet(name: str) -> str:
        return f"Hello, {name}!"

    @server.tool(description="Tells which API key the call carried")
    def whoami(ctx: Context) -> str:  # type: ignore[type-arg]
        request = ctx.request_context.request
        key = request.headers.get("x-api-key") if request is not None else None
        state.keys_seen.append(key)
        return "a key came" if key else "no key"

    @server.tool(description="Always fails")
    def broken() -> str:
        raise ValueError("this tool is broken")

    return server


@pytest.fixture
def mcp_server() -> Iterator[McpServer]:
    state = McpServer(url="")
    config = uvicorn.Config(
        _server(state).streamable_http_app(), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + START_LIMIT_SECONDS
    while not server.started:
        assert thread.is_alive(), "the test MCP server stopped while starting"
        assert time.monotonic() < deadline, "the test MCP server did not start in time"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}/mcp"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=START_LIMIT_SECONDS)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """The URL of a listener that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/mcp"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()


def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/mcp"


# A stdio MCP server in one python3 -c program: newline-delimited JSON-RPC on stdin and stdout. Its one tool,
# ``shout``, upper-cases its text; before serving it tries to write the file named by its first argument, to
# show where it ran.
STDIO_SERVER = """
import json, sys
try:
    open(sys.argv[1], "w").write("ran")
except OSError:
    pass
tools = [{"name": "shout", "description": "Upper-cases a text",
          "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}}]
for line in sys.stdin:
    message = json.loads(line)
    if "id" not in message:
        continue
    method, result = message["method"], {}
    if method == "initialize":
        result = {"protocolVersion": message["params"]["protocolVersion"], "capabilities": {"tools": {}},
                  "serverInfo": {"name": "shouter", "version": "1"}}
    elif method == "tools/list":
        result = {"tools": tools}
    elif method == "tools/call":
        text = message["params"]["arguments"]["text"]
        result = {"content": [{"type": "text", "text": text.upper()}], "isError": False}
    print(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}), flush=True)
"""
