"""Workspace tools as the engine runs them: for a tool node, and as CrewAI tools for agents. Importing this
package does not load CrewAI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crewloom.engine.tools.crewai_setup import prepare_crewai, quiet_worker_thread
from crewloom.engine.tools.http import HttpReply, call_http
from crewloom.engine.tools.node import run_tool
from crewloom.engine.tools.spec import ToolSpec
from crewloom.engine.tools.threads import LoopLink, Stopped, run_in_thread

if TYPE_CHECKING:
    from crewai.tools import BaseTool


def crewai_tools(tool: ToolSpec, link: LoopLink) -> list[BaseTool]:
    """``tool`` for a CrewAI agent running in the worker thread of ``link``: one CrewAI tool, or one per tool
    of an MCP server. Loads CrewAI: call it there."""
    prepare_crewai()
    from crewloom.engine.tools.agent_tool import workspace_tools

    return workspace_tools(tool, link)


__all__ = [
    "HttpReply",
    "LoopLink",
    "Stopped",
    "ToolSpec",
    "call_http",
    "crewai_tools",
    "prepare_crewai",
    "quiet_worker_thread",
    "run_in_thread",
    "run_tool",
]
