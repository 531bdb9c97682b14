"""Built-in tools: a crewai-tools class from the catalogue, configured from the tool's settings and secrets as
constructor arguments. A secret never goes into the process environment, which every workspace shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.crewai_setup import prepare_crewai
from crewloom.engine.tools.spec import ToolSpec, checked_config
from crewloom.tools import catalogue
from crewloom.tools.configs import BuiltinConfig

if TYPE_CHECKING:
    from crewai.tools import BaseTool


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def build_builtin(tool: ToolSpec) -> BaseTool:
    """A new instance of the tool's crewai-tools class; blocking, so only in a worker thread."""
    config = checked_config(tool, BuiltinConfig)
    entry = catalogue.find(config.tool)
    if entry is None:
        raise NodeError(f"the tool {tool.name!r} names no known built-in tool: {config.tool!r}", retryable=False)
    prepare_crewai()
    import crewai_tools

    tool_class: type[BaseTool] = getattr(crewai_tools, entry.class_name)
    secret_names = catalogue.secret_settings(entry)
    from_environment = sorted(name for name in secret_names if name not in tool_class.model_fields)
    if from_environment:
        raise NodeError(
            f"the {entry.name} built-in tool reads {', '.join(from_environment)} only from the worker's "
            "environment, which every workspace shares, so it cannot run with this tool's own secrets",
            retryable=False,
        )
    arguments: dict[str, Any] = {**config.settings}
    arguments.update({name: tool.secrets[name] for name in secret_names if name in tool.secrets})
    try:
        return tool_class(**arguments)
    except Exception as exc:
        raise NodeError(tool.redact(f"the {entry.name} built-in tool could not start: {_first_line(exc)}")) from None


def run_builtin(tool: ToolSpec, arguments: dict[str, Any]) -> Any:
    """One call of a built-in tool, blocking: its result as the tool gives it."""
    instance = build_builtin(tool)
    try:
        return instance.run(**arguments)
    except Exception as exc:
        raise NodeError(tool.redact(f"the tool {tool.name!r} failed: {_first_line(exc)}")) from None
