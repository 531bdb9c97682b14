"""Trying a tool once, as whoever edits it does: what happened, a failure of the tool included, told as an
Outcome like the sandbox's own."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.arguments import ArgumentsInvalid, checked_arguments
from crewloom.engine.tools.http import call_http
from crewloom.engine.tools.mcp import McpUnreachable, call_from_node
from crewloom.engine.tools.node import call_builtin, jsonable
from crewloom.engine.tools.sandboxed import run_sandboxed
from crewloom.engine.tools.spec import SANDBOXED_TYPES, ToolSpec, checked_config, unknown_type
from crewloom.sandbox import Outcome
from crewloom.tools import catalogue
from crewloom.tools.configs import BuiltinConfig, HttpConfig


async def _call(tool: ToolSpec, arguments: Mapping[str, Any]) -> Any:
    if tool.type == "mcp":
        return await call_from_node(tool, arguments)
    if tool.type == "http":
        config = checked_config(tool, HttpConfig)
        reply = await call_http(tool, checked_arguments(tool.name, config.args_schema, arguments))
        return reply.value()
    if tool.type == "builtin":
        entry = catalogue.find(checked_config(tool, BuiltinConfig).tool)
        # An unknown built-in tool is refused when it starts, naming it.
        typed = dict(arguments) if entry is None else checked_arguments(tool.name, entry.args_schema, arguments)
        return await call_builtin(tool, typed, f"crewloom-tool-trial-{tool.id}")
    raise unknown_type(tool)


async def try_tool(tool: ToolSpec, arguments: Mapping[str, Any]) -> Outcome:
    """One call of ``tool``. Raises ArgumentsInvalid for arguments that break the tool's schema,
    SandboxUnavailable when the sandbox it needs is missing, McpUnreachable when its MCP server cannot be
    used; any other failure is the outcome's error."""
    started = time.perf_counter()
    try:
        if tool.type in SANDBOXED_TYPES:
            return await run_sandboxed(tool, arguments)
        result = await _call(tool, arguments)
        ok, error = True, None
    except (ArgumentsInvalid, McpUnreachable):
        raise
    except NodeError as exc:
        result, ok, error = None, False, exc.message
    duration_ms = (time.perf_counter() - started) * 1000
    return Outcome(
        ok=ok, result=jsonable(result), error=error, stdout="", stderr="", duration_ms=duration_ms, limit=None
    )
