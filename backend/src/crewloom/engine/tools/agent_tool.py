"""Workspace tools as CrewAI agents call them. Imports CrewAI: loaded only in a worker thread."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crewai.tools import BaseTool
from crewai.utilities.pydantic_schema_utils import create_model_from_schema
from crewai.utilities.string_utils import sanitize_tool_name
from pydantic import BaseModel, ConfigDict, PrivateAttr, create_model

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.builtin import build_builtin
from crewloom.engine.tools.http import call_http
from crewloom.engine.tools.mcp import McpTool, call_mcp_tool, list_mcp_tools
from crewloom.engine.tools.sandboxed import arguments_schema, ready_sandbox, sandboxed_result, unavailable
from crewloom.engine.tools.spec import SANDBOXED_TYPES, ToolSpec, checked_config, unknown_type
from crewloom.engine.tools.threads import LoopLink
from crewloom.observability.tracing import tool_span
from crewloom.sandbox import SandboxUnavailable
from crewloom.tools.configs import HttpConfig

Invoke = Callable[[dict[str, Any]], Any]


def _as_text(result: Any) -> str:
    if isinstance(result, str):
        return result
    try:
        return json.dumps(result)
    except (TypeError, ValueError):
        return str(result)


class WorkspaceTool(BaseTool):
    """Runs the workspace tool it was made for. A failure is told to the agent as the tool's result, so that
    it can try otherwise; only a stopped run raises."""

    _spec: ToolSpec = PrivateAttr()
    _link: LoopLink = PrivateAttr()
    _invoke: Invoke = PrivateAttr()

    def _run(self, **arguments: Any) -> str:
        self._link.check()
        try:
            with tool_span(self._spec.type, self.name):
                result = self._invoke(arguments)
        except SandboxUnavailable as exc:
            result = f"Error: {unavailable(self._spec, exc).message}"
        except NodeError as exc:
            result = f"Error: {exc.message}"
        return self._spec.redact(_as_text(result))


@dataclass(frozen=True)
class _Binding:
    name: str
    invoke: Invoke
    arguments: type[BaseModel]
    description: str


def _arguments_model(name: str, schema: dict[str, Any]) -> type[BaseModel]:
    model_name = f"{sanitize_tool_name(name) or 'tool'}_arguments"
    # Arguments the schema does not name still reach the tool, as they do from a tool node.
    allow_more = ConfigDict(extra="allow")
    try:
        return create_model_from_schema(schema, model_name=model_name, enrich_descriptions=True, __config__=allow_more)
    except Exception:
        # A server's schema that CrewAI cannot turn into a model: the tool checks its arguments itself.
        return create_model(model_name, __config__=allow_more)


def _http_binding(tool: ToolSpec, link: LoopLink) -> _Binding:
    config = checked_config(tool, HttpConfig)

    def invoke(arguments: dict[str, Any]) -> str:
        return link.run(call_http(tool, arguments)).text

    return _Binding(tool.name, invoke, _arguments_model(tool.name, config.args_schema), tool.description or tool.name)


def _builtin_binding(tool: ToolSpec, link: LoopLink) -> _Binding:
    instance = build_builtin(tool, link)

    def invoke(arguments: dict[str, Any]) -> Any:
        try:
            return instance.run(**arguments)
        except Exception as exc:
            raise NodeError(f"{type(exc).__name__}: {exc}") from None

    return _Binding(tool.name, invoke, instance.args_schema, tool.description or instance.description)


def _sandboxed_binding(tool: ToolSpec, link: LoopLink) -> _Binding:
    schema = arguments_schema(tool)
    # A missing sandbox fails the agent before its first model call.
    ready_sandbox(tool)

    def invoke(arguments: dict[str, Any]) -> Any:
        return link.run(sandboxed_result(tool, arguments)).result

    return _Binding(tool.name, invoke, _arguments_model(tool.name, schema), tool.description or tool.name)


def _mcp_binding(tool: ToolSpec, served: McpTool, link: LoopLink) -> _Binding:
    def invoke(arguments: dict[str, Any]) -> Any:
        return link.run(call_mcp_tool(tool, served.name, arguments))

    description = served.description or tool.description or served.name
    return _Binding(served.name, invoke, _arguments_model(served.name, served.input_schema), description)


def _mcp_bindings(tool: ToolSpec, link: LoopLink) -> list[_Binding]:
    try:
        served = link.run(list_mcp_tools(tool))
    except SandboxUnavailable as exc:
        raise unavailable(tool, exc) from None
    return [_mcp_binding(tool, item, link) for item in served]


def _bindings(tool: ToolSpec, link: LoopLink) -> list[_Binding]:
    if tool.type in SANDBOXED_TYPES:
        return [_sandboxed_binding(tool, link)]
    if tool.type == "mcp":
        return _mcp_bindings(tool, link)
    if tool.type == "http":
        return [_http_binding(tool, link)]
    if tool.type == "builtin":
        return [_builtin_binding(tool, link)]
    raise unknown_type(tool)


def workspace_tools(tool: ToolSpec, link: LoopLink) -> list[BaseTool]:
    """New CrewAI tools for ``tool``: one, or one per tool of an MCP server. Blocking (a built-in tool
    starts, an MCP server is asked for its tools), so only in a worker thread."""
    created: list[BaseTool] = []
    for binding in _bindings(tool, link):
        made = WorkspaceTool(name=binding.name, description=binding.description, args_schema=binding.arguments)
        made._spec = tool
        made._link = link
        made._invoke = binding.invoke
        created.append(made)
    return created
