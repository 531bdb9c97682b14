"""Built-in tools. The catalogue entries that run here are Crewloom's own versions of crewai-tools' (same
names, settings and arguments): the file tools work only in the tenant's workspace, the website tools fetch
only through the outbound guard. Every other entry is refused at run time rather than run unconfined."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.crewai_setup import prepare_crewai
from crewloom.engine.tools.spec import ToolSpec, checked_config
from crewloom.engine.tools.threads import LoopLink, Stopped
from crewloom.engine.tools.workspace import Workspace, WorkspaceError
from crewloom.tools import catalogue
from crewloom.tools.configs import BuiltinConfig

if TYPE_CHECKING:
    from crewai.tools import BaseTool

FILE_TOOLS = frozenset({"file_read", "file_writer", "directory_read"})
WEB_TOOLS = frozenset({"scrape_website", "scrape_element_from_website"})

_SHARED_INDEX = (
    "keeps its search index in a vector store that every workspace of the worker shares, and reads files and "
    "URLs past the workspace and the outbound guard, so it does not run here"
)
_KEY_IN_ENVIRONMENT = (
    "reads SERPER_API_KEY only from the worker's environment, which every workspace shares, so it cannot run "
    "with this tool's own secrets"
)
_REFUSED = {
    "json_search": _SHARED_INDEX,
    "csv_search": _SHARED_INDEX,
    "txt_search": _SHARED_INDEX,
    "directory_search": _SHARED_INDEX,
    "website_search": _SHARED_INDEX,
    "serper_dev_search": _KEY_IN_ENVIRONMENT,
    "serper_scrape_website": _KEY_IN_ENVIRONMENT,
}
_UNCONFINED = "reaches files or the network in ways that cannot be confined to the workspace, so it does not run here"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _workspace(tool: ToolSpec, name: str) -> Workspace:
    if tool.access.workspace is None:
        raise NodeError(f"the {name} built-in tool needs a workspace, and this run has none", retryable=False)
    return Workspace(tool.access.workspace)


def build_builtin(tool: ToolSpec, link: LoopLink) -> BaseTool:
    """A new instance of the tool; blocking, so only in the worker thread of ``link``."""
    config = checked_config(tool, BuiltinConfig)
    entry = catalogue.find(config.tool)
    if entry is None:
        raise NodeError(f"the tool {tool.name!r} names no known built-in tool: {config.tool!r}", retryable=False)
    if entry.name not in FILE_TOOLS | WEB_TOOLS:
        raise NodeError(f"the {entry.name} built-in tool {_REFUSED.get(entry.name, _UNCONFINED)}", retryable=False)
    workspace = _workspace(tool, entry.name) if entry.name in FILE_TOOLS else None
    prepare_crewai()
    try:
        if workspace is not None:
            from crewloom.engine.tools.file_tools import file_tool

            return file_tool(entry.name, workspace, config.settings)
        from crewloom.engine.tools.web_tools import page_reader, web_tool

        return web_tool(entry.name, page_reader(tool.access, link), config.settings)
    except (WorkspaceError, ValueError, TypeError) as exc:
        raise NodeError(
            tool.redact(f"the {entry.name} built-in tool could not start: {_first_line(exc)}"), retryable=False
        ) from None


def run_builtin(tool: ToolSpec, arguments: dict[str, Any], link: LoopLink) -> Any:
    """One call of a built-in tool, blocking: its result as the tool gives it."""
    instance = build_builtin(tool, link)
    try:
        return instance.run(**arguments)
    except (NodeError, Stopped):
        raise
    except WorkspaceError as exc:
        raise NodeError(f"the tool {tool.name!r} failed: {exc}", retryable=False) from None
    except Exception as exc:
        raise NodeError(tool.redact(f"the tool {tool.name!r} failed: {_first_line(exc)}")) from None
