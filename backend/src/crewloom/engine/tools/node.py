"""A tool node: one call of a workspace tool with the node's arguments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crewloom.engine.runtime.services import NodeReporter, NodeResult
from crewloom.engine.tools.builtin import run_builtin
from crewloom.engine.tools.crewai_setup import quiet_worker_thread
from crewloom.engine.tools.http import call_http
from crewloom.engine.tools.spec import SANDBOXED_TYPES, ToolSpec, sandbox_unavailable, unknown_type
from crewloom.engine.tools.threads import LoopLink, run_in_thread


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


async def run_tool(tool: ToolSpec, arguments: Mapping[str, Any], reporter: NodeReporter) -> NodeResult:
    """The tool's output: the parsed document of a JSON response, else its text."""
    if tool.type in SANDBOXED_TYPES:
        raise sandbox_unavailable(tool)
    if tool.type == "http":
        reply = await call_http(tool, arguments)
        await reporter.log(f"{tool.name}: HTTP {reply.status}")
        return NodeResult(output=reply.value())
    if tool.type == "builtin":

        def work(link: LoopLink) -> Any:
            quiet_worker_thread()
            return run_builtin(tool, dict(arguments))

        result = await run_in_thread(work, name=f"crewloom-tool-{reporter.node_id}")
        if isinstance(result, str):
            return NodeResult(output=tool.redact(result))
        return NodeResult(output=_jsonable(result))
    raise unknown_type(tool)
