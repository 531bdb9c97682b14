from __future__ import annotations

import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crewloom.engine.bridge import run_agent_task
from crewloom.engine.runtime import NodeError, NodeLog, ToolReturned
from crewloom.engine.tools import ToolSpec, run_tool, sandboxed
from crewloom.engine.tools.access import ToolAccess
from crewloom.engine.tools.arguments import ArgumentsInvalid
from crewloom.sandbox import Limits, SandboxUnavailable, docker_sandbox
from tests.engine.bridge.scripted import ScriptedComplete, action, agent, final
from tests.engine.tools.recording import Recorded

SECRET = "tenant-secret-4d1f9"


def tool(type: str, config: dict[str, Any], secrets: dict[str, str] | None = None) -> ToolSpec:
    return ToolSpec(id=uuid.uuid4(), name="Helper", description="", type=type, config=config, secrets=secrets or {})


async def test_a_builtin_tool_runs_with_its_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.txt").write_text("first line\nsecond line\n")
    reader = replace(
        tool("builtin", {"tool": "file_read", "settings": {"base_dir": "notes"}}), access=ToolAccess(workspace=tmp_path)
    )

    result = await run_tool(reader, {"file_path": "notes.txt"}, Recorded().reporter("read"))

    assert "second line" in result.output
    assert capsys.readouterr().out == ""


async def test_a_builtin_tool_failing_is_a_clear_error(tmp_path: Path) -> None:
    writer = replace(tool("builtin", {"tool": "file_writer"}), access=ToolAccess(workspace=tmp_path))

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


AREA = "def area(width: int, height: int) -> dict:\n    print('measuring')\n    return {'area': width * height}\n"
AREA_SCHEMA = {
    "type": "object",
    "properties": {"width": {"type": "integer"}, "height": {"type": "integer"}},
    "required": ["width", "height"],
}


def custom(source: str, args_schema: dict[str, Any] | None = None, secrets: dict[str, str] | None = None) -> ToolSpec:
    config = {"source": source, "args_schema": args_schema or {"type": "object", "properties": {}}}
    return tool("custom", config, secrets)


async def test_a_custom_tool_runs_in_the_sandbox_with_its_arguments_typed() -> None:
    recorded = Recorded()

    result = await run_tool(custom(AREA, AREA_SCHEMA), {"width": "3", "height": "4"}, recorded.reporter("measure"))

    assert result.output == {"area": 12}
    assert [event.message for event in recorded.of(NodeLog)] == ["Helper printed: measuring\n"]


async def test_a_custom_tool_reaches_neither_the_host_nor_the_secrets(tmp_path: Path) -> None:
    escaped = tmp_path / "escaped"
    source = (
        "import os\n"
        "def peek() -> dict:\n"
        "    try:\n"
        f"        open({str(escaped)!r}, 'w').write('out')\n"
        "        wrote = True\n"
        "    except OSError:\n"
        "        wrote = False\n"
        "    return {'wrote': wrote, 'environment': dict(os.environ)}\n"
    )

    result = await run_tool(custom(source, secrets={"API_KEY": SECRET}), {}, Recorded().reporter("peek"))

    assert not escaped.exists()
    assert SECRET not in json.dumps(result.output)


async def test_arguments_that_break_the_schema_are_refused_before_the_tool_runs() -> None:
    with pytest.raises(ArgumentsInvalid) as failure:
        await run_tool(custom(AREA, AREA_SCHEMA), {"width": "wide"}, Recorded().reporter("measure"))

    assert failure.value.problems == [
        {"field": "arguments", "message": "'height' is a required property"},
        {"field": "arguments.width", "message": "'wide' is not of type 'integer'"},
    ]
    assert not failure.value.retryable


async def test_a_custom_tool_that_raises_fails_the_node_with_its_error() -> None:
    source = "def fail():\n    raise ValueError('no bees today')\n"

    with pytest.raises(NodeError) as failure:
        await run_tool(custom(source), {}, Recorded().reporter("fail"))

    assert failure.value.message == "the tool 'Helper' failed: the tool raised ValueError: no bees today"
    assert not failure.value.retryable


async def test_a_custom_tool_over_its_memory_limit_is_stopped() -> None:
    source = "def hog():\n    return len(bytearray(2 * 1024 ** 3))\n"

    with pytest.raises(NodeError) as failure:
        await run_tool(custom(source), {}, Recorded().reporter("hog"))

    assert failure.value.message == "the tool 'Helper' hit its memory limit (512 MB)"
    assert not failure.value.retryable


async def test_a_custom_tool_over_its_time_limit_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandboxed, "LIMITS", Limits(wall_seconds=1.5))
    source = "import time\ndef wait():\n    time.sleep(60)\n"

    with pytest.raises(NodeError) as failure:
        await run_tool(custom(source), {}, Recorded().reporter("wait"))

    assert failure.value.message == "the tool 'Helper' hit its time limit (1.5 s)"


async def test_without_a_sandbox_a_custom_tool_fails_closed(tmp_path: Path, no_sandbox: None) -> None:
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('ran')\ndef run():\n    return 1\n"

    with pytest.raises(NodeError) as failure:
        await run_tool(custom(source), {}, Recorded().reporter("run"))

    assert failure.value.message.startswith("the tool 'Helper' cannot run: bubblewrap: ")
    assert failure.value.message.endswith("custom tools run only in a sandbox, never in Crewloom's own processes")
    assert not failure.value.retryable
    assert not marker.exists()


async def test_a_docker_tool_without_a_docker_engine_fails_closed() -> None:
    try:
        docker_sandbox()
    except SandboxUnavailable:
        pass
    else:
        pytest.skip("a Docker engine is available here")

    with pytest.raises(
        NodeError, match=r"^the tool 'Helper' cannot run: .*docker tools run only in a sandbox"
    ) as failure:
        await run_tool(tool("docker", {"image": "python:3.12-slim"}), {}, Recorded().reporter("run"))

    assert not failure.value.retryable


async def test_an_agent_calls_a_custom_tool_in_the_sandbox() -> None:
    area = ToolSpec(
        id=uuid.uuid4(),
        name="Area",
        description="The area of a rectangle",
        type="custom",
        config={"source": AREA, "args_schema": AREA_SCHEMA},
    )
    complete = ScriptedComplete({"m": [action("Area", '{"width": 3, "height": 4}'), final("12 square metres")]})
    recorded = Recorded()

    result = await run_agent_task(
        agent("surveyor", "m", tools=[area]),
        "How big is it?",
        "",
        complete=complete,
        reporter=recorded.reporter("room"),
    )

    assert result.output == "12 square metres"
    [returned] = recorded.of(ToolReturned)
    assert (returned.tool, returned.output) == ("Area", '{"area": 12}')


async def test_an_agent_whose_tool_has_no_sandbox_fails_before_any_model_call(no_sandbox: None) -> None:
    complete = ScriptedComplete({"m": [final("never")]})
    script = custom(AREA, AREA_SCHEMA)

    with pytest.raises(NodeError, match="custom tools run only in a sandbox") as failure:
        await run_agent_task(
            agent("coder", "m", tools=[script]), "Run it", "", complete=complete, reporter=Recorded().reporter("code")
        )

    assert not failure.value.retryable
    assert complete.calls == []
