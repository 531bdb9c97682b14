"""A tool node: one call of a workspace tool with the node's arguments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crewloom.engine.runtime.services import NodeReporter, NodeResult
from crewloom.engine.tools.builtin import run_builtin
from crewloom.engine.tools.crewai_setup import quiet_worker_thread
from crewloom.engine.tools.http import call_http
from crewloom.engine.tools.mcp import call_from_node
from crewloom.engine.tools.sandboxed import sandboxed_result, unavailable
from crewloom.engine.tools.spec import SANDBOXED_TYPES, ToolSpec, unknown_type
from crewloom.engine.tools.threads import LoopLink, run_in_thread
from crewloom.observability.tracing import tool_span
from crewloom.sandbox import SandboxUnavailable

# What a node's log shows of a sandboxed tool's printed output; the sandbox caps the whole of it.
_LOGGED_OUTPUT_CHARS = 4000


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


async def call_builtin(tool: ToolSpec, arguments: Mapping[str, Any], thread_name: str) -> Any:
    """One call of a built-in tool, in a thread of its own: its result, secrets blanked in text."""

    def work(link: LoopLink) -> Any:
        quiet_worker_thread()
        return run_builtin(tool, dict(arguments), link)

    result = await run_in_thread(work, name=thread_name)
    return tool.redact(result) if isinstance(result, str) else jsonable(result)


async def _log_output(reporter: NodeReporter, tool: ToolSpec, stream: str, text: str) -> None:
    if text.strip():
        await reporter.log(f"{tool.name} {stream}: {text[:_LOGGED_OUTPUT_CHARS]}")


async def run_tool(tool: ToolSpec, arguments: Mapping[str, Any], reporter: NodeReporter) -> NodeResult:
    """The tool's output: for an http tool the parsed document of a JSON response, else its text; for the
    others the result they give. An mcp tool is called as call_from_node describes."""
    with tool_span(tool.type, tool.name):
        return await _call(tool, arguments, reporter)


async def _call(tool: ToolSpec, arguments: Mapping[str, Any], reporter: NodeReporter) -> NodeResult:
    if tool.type in SANDBOXED_TYPES:
        outcome = await sandboxed_result(tool, arguments)
        await _log_output(reporter, tool, "printed", outcome.stdout)
        await _log_output(reporter, tool, "stderr", outcome.stderr)
        return NodeResult(output=jsonable(outcome.result))
    if tool.type == "mcp":
        try:
            return NodeResult(output=jsonable(await call_from_node(tool, arguments)))
        except SandboxUnavailable as exc:
            raise unavailable(tool, exc) from None
    if tool.type == "http":
        reply = await call_http(tool, arguments)
        await reporter.log(f"{tool.name}: HTTP {reply.status}")
        return NodeResult(output=reply.value())
    if tool.type == "builtin":
        return NodeResult(output=await call_builtin(tool, arguments, f"crewloom-tool-{reporter.node_id}"))
    raise unknown_type(tool)
