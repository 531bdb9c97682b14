"""MCP servers as workspace tools. An http server is reached over streamable HTTP, each of the tool's secrets
sent as the request header of its name; a stdio server is started only inside the sandbox (never on the host)
and gets no secret. Every use opens its own session, bounded by SESSION_SECONDS, and closes it.

A tool node calls one of the server's tools: its argument ``tool`` names that tool, every other argument is
passed to it, read by the tool's input schema (see arguments.py). Agents get one CrewAI tool per server
tool, or per tool that the configuration's ``tools`` names. The SDK is imported on first use: it is slow to
load and only these calls need it."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO, TypeVar
from urllib.parse import urlsplit

import httpx

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.arguments import ArgumentsInvalid, checked_arguments
from crewloom.engine.tools.outbound.guard import GuardedTransport, OutboundGuard
from crewloom.engine.tools.sandboxed import LIMITS
from crewloom.engine.tools.spec import ToolSpec, checked_config
from crewloom.sandbox import SandboxUnavailable, get_sandbox
from crewloom.tools.configs import McpConfig

if TYPE_CHECKING:
    from mcp import ClientSession
    from mcp.types import CallToolResult

SESSION_SECONDS = 30.0
TOOL_ARGUMENT = "tool"
MAX_LISTED_TOOLS = 1000
_STDERR_EXCERPT_CHARS = 500

T = TypeVar("T")


@dataclass(frozen=True)
class McpTool:
    name: str
    description: str
    input_schema: dict[str, Any]


class McpUnreachable(NodeError):
    """The server could not be started or reached, or did not answer within SESSION_SECONDS."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def mcp_http_client(tool: ToolSpec) -> httpx.AsyncClient:
    """The client of every request to an http MCP server, under the outbound rules: no private, loopback or
    metadata address unless an admin allowed the host, and no redirect (it would carry the secret headers)."""
    # Without the environment: neither the server's proxy settings nor its .netrc apply to a tenant's calls.
    return httpx.AsyncClient(
        headers=tool.secrets,
        timeout=SESSION_SECONDS,
        trust_env=False,
        follow_redirects=False,
        transport=GuardedTransport(OutboundGuard(tool.access.allowed_hosts)),
    )


def _server(config: McpConfig) -> str:
    if config.transport == "stdio":
        return f"the MCP server {config.command!r}"
    parts = urlsplit(config.url or "")
    return f"the MCP server {parts.scheme}://{parts.netloc}{parts.path}"


@asynccontextmanager
async def _http_session(tool: ToolSpec, config: McpConfig) -> AsyncIterator[ClientSession]:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with (
        mcp_http_client(tool) as client,
        streamable_http_client(config.url or "", http_client=client) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


@asynccontextmanager
async def _stdio_session(config: McpConfig, errors: TextIO) -> AsyncIterator[ClientSession]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    # Checking the sandbox may start a process: off the event loop.
    sandbox = await asyncio.to_thread(get_sandbox)
    argv = sandbox.stdio_command([config.command or "", *config.args], LIMITS)
    server = StdioServerParameters(command=argv[0], args=argv[1:], env={})
    async with stdio_client(server, errlog=errors) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def _innermost(error: BaseException) -> BaseException:
    """The first error that is not a group: the SDK's task groups wrap what failed inside them."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _said(errors: TextIO) -> str:
    errors.seek(0)
    text = " ".join(errors.read().split())
    return f" (it said: {text[-_STDERR_EXCERPT_CHARS:]})" if text else ""


async def _with_session(tool: ToolSpec, work: Callable[[ClientSession, McpConfig], Awaitable[T]]) -> T:
    """``work`` done in a new session with the tool's server. Raises SandboxUnavailable for a stdio server
    without a sandbox, McpUnreachable when the server cannot be used, and whatever NodeError ``work`` raises."""
    config = checked_config(tool, McpConfig)
    server = _server(config)
    with tempfile.TemporaryFile("w+") as errors:
        try:
            async with asyncio.timeout(SESSION_SECONDS):
                opened = _http_session(tool, config) if config.transport == "http" else _stdio_session(config, errors)
                async with opened as session:
                    return await work(session, config)
        except Exception as exc:
            error = _innermost(exc)
            if isinstance(error, NodeError | SandboxUnavailable):
                raise error from None
            if isinstance(error, TimeoutError):
                raise McpUnreachable(f"{server} did not answer within {SESSION_SECONDS:g} s", timed_out=True) from None
            detail = str(error).strip() or type(error).__name__
            raise McpUnreachable(tool.redact(f"{server} cannot be used: {detail}{_said(errors)}")) from None


async def _every_tool(session: ClientSession) -> list[McpTool]:
    from mcp.types import PaginatedRequestParams

    found: list[McpTool] = []
    cursor: str | None = None
    while len(found) < MAX_LISTED_TOOLS:
        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor))
        found += [McpTool(item.name, item.description or "", dict(item.inputSchema)) for item in page.tools]
        cursor = page.nextCursor
        if not cursor:
            break
    return found[:MAX_LISTED_TOOLS]


def _offered(config: McpConfig, tools: list[McpTool]) -> list[McpTool]:
    return [item for item in tools if not config.tools or item.name in config.tools]


async def list_mcp_tools(tool: ToolSpec) -> list[McpTool]:
    """The server's tools that this workspace tool offers (all of them, unless ``tools`` names some)."""

    async def work(session: ClientSession, config: McpConfig) -> list[McpTool]:
        return _offered(config, await _every_tool(session))

    return await _with_session(tool, work)


def _value(tool: ToolSpec, name: str, result: CallToolResult) -> Any:
    from mcp.types import TextContent

    texts = [block.text if isinstance(block, TextContent) else f"[{block.type}]" for block in result.content]
    text = tool.redact("\n".join(texts))
    if result.isError:
        raise NodeError(f"the MCP tool {name!r} of {tool.name!r} answered an error: {text[:2000]}", retryable=False)
    if result.structuredContent is None:
        return text
    if not tool.secrets:
        return result.structuredContent
    # Should the server echo a secret back, it is blanked here as in text.
    return json.loads(tool.redact(json.dumps(result.structuredContent)))


async def call_mcp_tool(tool: ToolSpec, name: str, arguments: Mapping[str, Any]) -> Any:
    """One call of the server's tool ``name``: its structured result when it gives one, else its text."""

    async def work(session: ClientSession, config: McpConfig) -> Any:
        offered = {item.name: item for item in _offered(config, await _every_tool(session))}
        if name not in offered:
            choices = ", ".join(sorted(offered)) or "none"
            problem = {"field": f"arguments.{TOOL_ARGUMENT}", "message": f"no tool {name!r} here; offered: {choices}"}
            raise ArgumentsInvalid(tool.name, [problem])
        typed = checked_arguments(tool.name, offered[name].input_schema, arguments)
        return _value(tool, name, await session.call_tool(name, typed))

    return await _with_session(tool, work)


async def call_from_node(tool: ToolSpec, arguments: Mapping[str, Any]) -> Any:
    """A tool node's call: ``tool`` names the server's tool, the other arguments are its own."""
    rest = {key: value for key, value in arguments.items() if key != TOOL_ARGUMENT}
    name = arguments.get(TOOL_ARGUMENT)
    if not isinstance(name, str) or not name:
        problem = {"field": f"arguments.{TOOL_ARGUMENT}", "message": "name the MCP tool to call"}
        raise ArgumentsInvalid(tool.name, [problem])
    return await call_mcp_tool(tool, name, rest)
