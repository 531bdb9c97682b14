"""How nodes fail: templates, missing services, JSON replies, timeouts and retries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from crewloom.engine.nodes import CrewConfig
from crewloom.engine.runtime import (
    NodeFailed,
    NodeLog,
    NodeReporter,
    NodeResult,
    NodeToken,
    RunFailed,
    RunServices,
    Usage,
)
from tests.engine.runtime.harness import AGENT, CREW, FakeTools, ScriptedModel, build, llm, run, sleeping, tool
from tests.flows.graphs import edge, node, output_node

SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


def through(middle: dict[str, Any], value: str = "{{ nodes.mid.output }}") -> Any:
    nodes = [node("in", "input", {"fields": [{"name": "topic"}]}), middle, output_node("out", value)]
    return build(nodes, [edge("in", "mid"), edge("mid", "out")])


async def test_an_undefined_variable_fails_the_node_clearly_and_is_not_retried() -> None:
    graph = through(llm("mid", "{{ inputs.topic.missing }}") | {"retry": {"attempts": 3}})

    outcome, recorder = await run(graph, {"topic": "x"})

    assert outcome.status == "failed"
    assert outcome.nodes["mid"].error == "prompt: UndefinedError: 'str object' has no attribute 'missing'"
    assert [event.will_retry for event in recorder.of(NodeFailed)] == [False]
    assert outcome.nodes["out"].status == "cancelled"
    assert recorder.of(RunFailed)[0].failed_nodes == ["mid"]


async def test_a_template_that_breaks_the_sandbox_fails_the_node() -> None:
    outcome, _ = await run(through(output_node("mid", "{{ inputs.topic.__class__.__mro__ }}")), {"topic": "x"})

    assert outcome.status == "failed"
    assert (
        outcome.nodes["mid"].error == "value: SecurityError: access to attribute '__class__' of 'str' object is unsafe."
    )


@pytest.mark.parametrize(
    ("middle", "error"),
    [
        (tool("mid", "t"), "tools are not available in this runtime"),
        (node("mid", "agent", {"agent_id": AGENT, "task": "t"}), "agents are not available in this runtime"),
        (node("mid", "crew", {"crew_id": CREW}), "crews are not available in this runtime"),
        (llm("mid", "p"), "model calls are not available in this runtime"),
    ],
)
async def test_a_node_without_its_service_fails_as_not_available(middle: dict[str, Any], error: str) -> None:
    outcome, recorder = await run(through(middle), {"topic": "x"}, services=RunServices())

    assert outcome.nodes["mid"].error == error
    assert [event.will_retry for event in recorder.of(NodeFailed)] == [False]


async def test_a_crew_gets_its_rendered_inputs_and_reports_tokens() -> None:
    async def run_crew(config: CrewConfig, inputs: Mapping[str, str], reporter: NodeReporter) -> NodeResult:
        await reporter.token("Hel")
        await reporter.token("lo")
        return NodeResult(output=dict(inputs), usage=Usage(tokens_in=4, cost=0.5))

    graph = through(node("mid", "crew", {"crew_id": CREW, "inputs": {"about": "{{ inputs.topic | upper }}"}}))

    outcome, recorder = await run(graph, {"topic": "x"}, services=RunServices(run_crew=run_crew))

    assert outcome.nodes["mid"].output == {"about": "X"}
    assert [event.text for event in recorder.of(NodeToken)] == ["Hel", "lo"]
    assert outcome.usage == Usage(tokens_in=4, cost=0.5)


async def test_a_json_reply_is_parsed_and_its_fields_reach_downstream_templates() -> None:
    model = ScriptedModel(['```json\n{"title": "Otters"}\n```'])
    graph = through(
        llm("mid", "{{ inputs.topic }}", output_format="json", output_schema=SCHEMA), "{{ nodes.mid.output.title }}!"
    )

    outcome, _ = await run(graph, {"topic": "x"}, services=RunServices(complete=model))

    assert outcome.nodes["mid"].output == {"title": "Otters"}
    assert outcome.outputs == {"out": "Otters!"}
    assert [message.content for message in model.sent[0]] == ["x"]


async def test_a_reply_that_is_not_json_or_off_schema_fails_after_its_retries() -> None:
    model = ScriptedModel(["not json", '{"title": 3}'])
    config = {"output_format": "json", "output_schema": SCHEMA}
    graph = through(node("mid", "llm", llm("mid", "p", **config)["config"], retry={"attempts": 2}))

    outcome, recorder = await run(graph, {"topic": "x"}, services=RunServices(complete=model))

    failures = recorder.of(NodeFailed)
    assert [(event.attempt, event.will_retry) for event in failures] == [(1, True), (2, False)]
    assert failures[0].error.startswith("the reply is not JSON (Expecting value at position 0)")
    assert failures[1].error == "the reply does not match the output schema at title: 3 is not of type 'string'"
    assert outcome.nodes["mid"].attempts == 2


async def test_a_retried_node_backs_off_exponentially_and_can_succeed() -> None:
    attempts: list[float] = []

    async def flaky(_arguments: Any, reporter: NodeReporter) -> str:
        import asyncio

        attempts.append(asyncio.get_running_loop().time())
        await reporter.log(f"attempt {len(attempts)}")
        if len(attempts) < 3:
            raise RuntimeError("flaky")
        return "ok"

    tools = FakeTools({"f": flaky})
    graph = through(tool("mid", "f", {"retry": {"attempts": 3, "backoff_seconds": 0.02}}))

    outcome, recorder = await run(graph, {"topic": "x"}, services=RunServices(run_tool=tools))

    assert outcome.status == "succeeded"
    assert outcome.nodes["mid"].attempts == 3
    assert [event.error for event in recorder.of(NodeFailed)] == ["RuntimeError: flaky"] * 2
    assert [event.message for event in recorder.of(NodeLog)] == ["attempt 1", "attempt 2", "attempt 3"]
    assert attempts[1] - attempts[0] >= 0.02
    assert attempts[2] - attempts[1] >= 0.04


async def test_a_node_past_its_timeout_fails() -> None:
    tools = FakeTools({"slow": sleeping(30)})
    graph = through(tool("mid", "slow", {"timeout_seconds": 1}))

    outcome, _ = await run(graph, {"topic": "x"}, services=RunServices(run_tool=tools))

    assert outcome.nodes["mid"].error == "timed out after 1 s"
    assert tools.cancelled == {"slow"}
