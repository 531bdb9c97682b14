from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from crewloom.engine.runtime import NodeError
from crewloom.engine.tools import ToolSpec, run_tool
from tests.engine.tools.recording import Recorded


def tool(type: str, config: dict[str, Any], secrets: dict[str, str] | None = None) -> ToolSpec:
    return ToolSpec(id=uuid.uuid4(), name="Helper", description="", type=type, config=config, secrets=secrets or {})


async def test_a_builtin_tool_runs_with_its_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("first line\nsecond line\n")
    reader = tool("builtin", {"tool": "file_read", "settings": {"base_dir": str(tmp_path)}})

    result = await run_tool(reader, {"file_path": str(notes)}, Recorded().reporter("read"))

    assert "second line" in result.output
    assert capsys.readouterr().out == ""


async def test_a_builtin_tool_failing_is_a_clear_error(tmp_path: Path) -> None:
    writer = tool("builtin", {"tool": "file_writer", "settings": {"base_dir": str(tmp_path)}})

    with pytest.raises(NodeError, match="the tool 'Helper' failed"):
        await run_tool(writer, {"filename": "x.txt"}, Recorded().reporter("write"))


async def test_a_builtin_tool_that_reads_its_key_from_the_environment_is_refused() -> None:
    search = tool("builtin", {"tool": "serper_dev_search"}, {"SERPER_API_KEY": "tenant-key"})

    with pytest.raises(NodeError, match="serper_dev_search built-in tool reads SERPER_API_KEY only from") as failure:
        await run_tool(search, {"search_query": "bees"}, Recorded().reporter("search"))

    assert not failure.value.retryable
    assert "tenant-key" not in failure.value.message


async def test_an_unknown_builtin_tool_is_refused() -> None:
    with pytest.raises(NodeError, match="names no known built-in tool: 'teleport'"):
        await run_tool(tool("builtin", {"tool": "teleport"}), {}, Recorded().reporter("go"))


@pytest.mark.parametrize(
    ("kind", "config"),
    [
        ("custom", {"source": "def run():\n    return 1\n"}),
        ("docker", {"image": "python:3.12-slim"}),
        ("mcp", {"transport": "stdio", "command": "server"}),
    ],
)
async def test_sandboxed_tools_say_the_sandbox_is_not_available(kind: str, config: dict[str, Any]) -> None:
    with pytest.raises(NodeError) as failure:
        await run_tool(tool(kind, config), {}, Recorded().reporter("run"))

    assert failure.value.message == (
        f"the tool 'Helper' is a {kind} tool: {kind} tools run in the sandbox, which is not available in this version"
    )
    assert not failure.value.retryable
