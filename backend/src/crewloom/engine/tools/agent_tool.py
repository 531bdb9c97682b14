"""A workspace tool as CrewAI agents call it. Imports CrewAI: loaded only in a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crewai.tools import BaseTool
from crewai.utilities.pydantic_schema_utils import create_model_from_schema
from crewai.utilities.string_utils import sanitize_tool_name
from pydantic import BaseModel, ConfigDict, PrivateAttr

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.builtin import build_builtin
from crewloom.engine.tools.http import call_http
from crewloom.engine.tools.spec import SANDBOXED_TYPES, ToolSpec, checked_config, sandbox_unavailable, unknown_type
from crewloom.engine.tools.threads import LoopLink
from crewloom.tools.configs import HttpConfig

Invoke = Callable[[dict[str, Any]], Any]


class WorkspaceTool(BaseTool):
    """Runs the workspace tool it was made for. A failure is told to the agent as the tool's result, so that
    it can try otherwise; only a stopped run raises."""

    _spec: ToolSpec = PrivateAttr()
    _link: LoopLink = PrivateAttr()
    _invoke: Invoke = PrivateAttr()

    def _run(self, **arguments: Any) -> str:
        self._link.check()
        try:
            result = self._invoke(arguments)
        except NodeError as exc:
            result = f"Error: {exc.message}"
        return self._spec.redact(result if isinstance(result, str) else str(result))


@dataclass(frozen=True)
class _Binding:
    invoke: Invoke
    arguments: type[BaseModel]
    description: str


def _http_binding(tool: ToolSpec, link: LoopLink) -> _Binding:
    config = checked_config(tool, HttpConfig)

    def invoke(arguments: dict[str, Any]) -> str:
        return link.run(call_http(tool, arguments)).text

    arguments = create_model_from_schema(
        config.args_schema,
        model_name=f"{sanitize_tool_name(tool.name) or 'tool'}_arguments",
        enrich_descriptions=True,
        # Arguments the schema does not name still reach the templates, as they do for a tool node.
        __config__=ConfigDict(extra="allow"),
    )
    return _Binding(invoke, arguments, tool.description or tool.name)


def _builtin_binding(tool: ToolSpec) -> _Binding:
    instance = build_builtin(tool)

    def invoke(arguments: dict[str, Any]) -> Any:
        try:
            return instance.run(**arguments)
        except Exception as exc:
            raise NodeError(f"{type(exc).__name__}: {exc}") from None

    return _Binding(invoke, instance.args_schema, tool.description or instance.description)


def workspace_tool(tool: ToolSpec, link: LoopLink) -> BaseTool:
    """A new CrewAI tool for ``tool``; blocking (a built-in tool starts), so only in a worker thread."""
    if tool.type in SANDBOXED_TYPES:
        raise sandbox_unavailable(tool)
    if tool.type == "http":
        binding = _http_binding(tool, link)
    elif tool.type == "builtin":
        binding = _builtin_binding(tool)
    else:
        raise unknown_type(tool)
    created = WorkspaceTool(name=tool.name, description=binding.description, args_schema=binding.arguments)
    created._spec = tool
    created._link = link
    created._invoke = binding.invoke
    return created
