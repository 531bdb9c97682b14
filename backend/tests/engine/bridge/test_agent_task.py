from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from crewloom.engine.bridge import ToolSpec, run_agent_task
from crewloom.engine.runtime import AgentThought, NodeError, TaskCompleted, ToolCalled, ToolReturned, Usage
from crewloom.engine.tools.access import ToolAccess
from crewloom.engine.tools.outbound import HostAllowlist
from crewloom.llm.gateway import ProviderCallError
from tests.engine.bridge.scripted import (
    COST,
    TOKENS_IN,
    TOKENS_OUT,
    ScriptedComplete,
    action,
    agent,
    final,
    wait_for_thread_end,
)
from tests.engine.tools.loopback import Loopback
from tests.engine.tools.recording import Recorded

SECRET = "k-9d2f7a1c"


def weather_tool(loopback: Loopback, path: str = "/echo") -> ToolSpec:
    return ToolSpec(
        id=uuid.uuid4(),
        name="Weather",
        description="The weather of a city",
        type="http",
        config={
            "url_template": loopback.url + path + "?city={{ city }}",
            "args_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
        secrets={"X-Api-Key": SECRET},
        access=ToolAccess(allowed_hosts=HostAllowlist.parse("127.0.0.1")),
    )


async def test_one_agent_does_one_task(capsys: pytest.CaptureFixture[str]) -> None:
    complete = ScriptedComplete({"m": [final("Bees make honey", thought="Bees are well known")]})
    recorded = Recorded()

    result = await run_agent_task(
        agent("researcher", "m"),
        "Tell one fact about {bees}",
        "One sentence",
        complete=complete,
        reporter=recorded.reporter("research"),
    )

    assert result.output == "Bees make honey"
    assert result.usage == Usage(tokens_in=TOKENS_IN, tokens_out=TOKENS_OUT, cost=COST)
    assert result.details == {}
    assert recorded.events == [
        AgentThought(node_id="research", agent="researcher", text="Bees are well known"),
        TaskCompleted(node_id="research", task="task", agent="researcher", output="Bees make honey"),
    ]
    [call] = complete.calls
    assert (call.node_id, call.temperature) == ("research", 0.2)
    assert [message.role for message in call.messages] == ["system", "user"]
    # The task is used as written: no CrewAI placeholder filling.
    assert "Tell one fact about {bees}" in call.text()
    assert "One sentence" in call.text()
    assert capsys.readouterr().out == ""


async def test_an_agent_system_template_frames_the_prompt() -> None:
    complete = ScriptedComplete({"m": [final("Done")]})
    terse = replace(agent("researcher", "m"), system_template="Answer in five words at most.\n{{ .System }}")

    await run_agent_task(terse, "Describe bees", "", complete=complete, reporter=Recorded().reporter("research"))

    prompt = complete.calls[0].text()
    assert prompt.startswith("Answer in five words at most.\nYou are Researcher role.")
    assert "Describe bees" in prompt


async def test_an_agent_calls_an_http_tool(loopback: Loopback, capsys: pytest.CaptureFixture[str]) -> None:
    # The model goes on past its action, inventing the tool's result: the reply is cut at CrewAI's stop word.
    invented = "\nObservation: it is raining frogs"
    complete = ScriptedComplete(
        {
            "m": [
                action("Weather", '{"city": "Paris"}', thought="I need the weather") + invented,
                final("Sunny in Paris"),
            ]
        }
    )
    recorded = Recorded()

    result = await run_agent_task(
        agent("forecaster", "m", tools=[weather_tool(loopback)]),
        "What is the weather in Paris?",
        "",
        complete=complete,
        reporter=recorded.reporter("forecast"),
    )

    assert result.output == "Sunny in Paris"
    assert result.usage == Usage(tokens_in=2 * TOKENS_IN, tokens_out=2 * TOKENS_OUT, cost=2 * COST)
    assert recorded.types() == ["agent_thought", "tool_called", "tool_returned", "agent_thought", "task_completed"]
    assert recorded.of(ToolCalled) == [
        ToolCalled(node_id="forecast", tool="Weather", arguments={"city": "Paris"}, agent="forecaster")
    ]
    [returned] = recorded.of(ToolReturned)
    assert (returned.tool, returned.agent) == ("Weather", "forecaster")
    assert '"query": "city=Paris"' in returned.output
    assert loopback.requests[0]["headers"]["X-Api-Key"] == SECRET
    # The server echoed the secret header back: neither the agent nor the events see it.
    assert SECRET not in repr(recorded.events)
    assert SECRET not in complete.calls[1].text()
    assert returned.output in complete.calls[1].text()
    assert "raining frogs" not in complete.calls[1].text()
    assert capsys.readouterr().out == ""


async def test_an_agent_calls_a_builtin_tool(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("The hive holds 40000 bees.\n")
    reader = ToolSpec(
        id=uuid.uuid4(),
        name="Read notes",
        description="",
        type="builtin",
        config={"tool": "file_read"},
        access=ToolAccess(workspace=tmp_path),
    )
    complete = ScriptedComplete(
        {"m": [action("read_notes", json.dumps({"file_path": "notes.txt"})), final("40000 bees")]}
    )
    recorded = Recorded()

    result = await run_agent_task(
        agent("reader", "m", tools=[reader]),
        "How many bees?",
        "",
        complete=complete,
        reporter=recorded.reporter("read"),
    )

    assert result.output == "40000 bees"
    [called], [returned] = recorded.of(ToolCalled), recorded.of(ToolReturned)
    assert (called.tool, called.arguments) == ("Read notes", {"file_path": "notes.txt"})
    assert "The hive holds 40000 bees." in returned.output
    # The catalogue's description stands in for the tool's own empty one.
    assert "reads the content of a file" in complete.calls[0].text()


async def test_a_failing_tool_call_is_told_to_the_agent(loopback: Loopback) -> None:
    complete = ScriptedComplete({"m": [action("Weather", '{"city": "Atlantis"}'), final("No weather there")]})
    recorded = Recorded()

    result = await run_agent_task(
        agent("forecaster", "m", tools=[weather_tool(loopback, "/status/404")]),
        "Weather in Atlantis?",
        "",
        complete=complete,
        reporter=recorded.reporter("forecast"),
    )

    assert result.output == "No weather there"
    [returned] = recorded.of(ToolReturned)
    assert returned.output.startswith(f"Error: GET {loopback.url}/status/404 answered HTTP 404")
    assert SECRET not in returned.output


async def test_a_provider_error_fails_the_node_with_its_message(capsys: pytest.CaptureFixture[str]) -> None:
    refusal = ProviderCallError("rate limited (HTTP 429): slow down", status_code=429, retryable=True)
    complete = ScriptedComplete({"m": [refusal]})

    with pytest.raises(NodeError) as failure:
        await run_agent_task(
            agent("researcher", "m"), "Anything", "", complete=complete, reporter=Recorded().reporter("research")
        )

    assert failure.value.message == "the model call failed: rate limited (HTTP 429): slow down"
    assert failure.value.retryable
    # Neither CrewAI's rate-limit retry nor its agent retry calls again: the gateway retries.
    assert len(complete.calls) == 1
    assert capsys.readouterr().out == ""


async def test_cancelling_stops_the_agent_at_its_next_step(loopback: Loopback) -> None:
    complete = ScriptedComplete({"m": [action("Weather", '{"city": "Oslo"}'), final("never given")]})
    recorded = Recorded()
    running = asyncio.create_task(
        run_agent_task(
            agent("forecaster", "m", tools=[weather_tool(loopback, "/hold")]),
            "Weather in Oslo?",
            "",
            complete=complete,
            reporter=recorded.reporter("cancel-at-step"),
        )
    )
    # The agent is inside its tool call, which holds until released.
    assert await asyncio.to_thread(loopback.entered.wait, 20)

    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(running, 5)
    loopback.release.set()
    await wait_for_thread_end("crewloom-crew-cancel-at-step")

    assert len(complete.calls) == 1
    assert recorded.types() == ["agent_thought", "tool_called"]


async def test_cancelling_a_pending_model_call_cancels_it() -> None:
    entered, cancelled = asyncio.Event(), asyncio.Event()

    async def never_answers() -> str:
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "unreachable"

    complete = ScriptedComplete({"m": [never_answers, final("never given")]})
    running = asyncio.create_task(
        run_agent_task(
            agent("researcher", "m"),
            "Anything",
            "",
            complete=complete,
            reporter=Recorded().reporter("cancel-in-call"),
        )
    )
    await asyncio.wait_for(entered.wait(), 20)

    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(running, 5)
    await asyncio.wait_for(cancelled.wait(), 5)
    await wait_for_thread_end("crewloom-crew-cancel-in-call")

    assert len(complete.calls) == 1
