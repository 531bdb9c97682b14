"""A straight flow through the offline mock model, and the inputs it is given."""

from __future__ import annotations

from crewloom.engine.runtime import NodeSucceeded, RunFailed, RunSucceeded, Usage
from tests.engine.runtime.harness import build, llm, run
from tests.flows.graphs import edge, node, output_node


def linear(fields: list[dict[str, object]] | None = None) -> list[dict[str, object]]:
    return [
        node("in", "input", {"fields": fields or [{"name": "topic"}]}),
        llm("ask", "Write about {{ inputs.topic }}", system="Be brief."),
        output_node("out", "Answer: {{ nodes.ask.output }}"),
    ]


async def test_input_llm_output_runs_in_order_with_the_mock_model() -> None:
    graph = build(linear(), [edge("in", "ask"), edge("ask", "out")])

    outcome, recorder = await run(graph, {"topic": "otters"})

    assert outcome.status == "succeeded"
    assert outcome.outputs == {"out": "Answer: Mock reply to: Write about otters"}
    assert recorder.types() == [
        "run_started",
        *["node_started", "node_succeeded"] * 3,
        "run_succeeded",
    ]
    assert [event.node_id for event in recorder.of(NodeSucceeded)] == ["in", "ask", "out"]
    # The mock counts words: system (2) + prompt (3) in, "Mock reply to: Write about otters" (6) out.
    assert outcome.usage == Usage(tokens_in=5, tokens_out=6)
    assert recorder.of(RunSucceeded)[0].usage == outcome.usage
    assert outcome.nodes["ask"].attempts == 1


async def test_inputs_are_coerced_and_defaults_applied() -> None:
    fields: list[dict[str, object]] = [
        {"name": "topic"},
        {"name": "count", "type": "number"},
        {"name": "loud", "type": "boolean"},
        {"name": "meta", "type": "json"},
        {"name": "tone", "required": False, "default": "dry"},
    ]
    graph = build(
        [node("in", "input", {"fields": fields}), output_node("out", "{{ inputs | tojson }}")], [edge("in", "out")]
    )

    outcome, _ = await run(graph, {"topic": "x", "count": "3", "loud": "yes", "meta": '{"a": [1]}'})

    assert outcome.nodes["in"].output == {"topic": "x", "count": 3, "loud": True, "meta": {"a": [1]}, "tone": "dry"}


async def test_invalid_inputs_fail_the_run_before_any_node_starts() -> None:
    fields: list[dict[str, object]] = [{"name": "topic"}, {"name": "count", "type": "number"}]
    graph = build(linear(fields), [edge("in", "ask"), edge("ask", "out")])

    outcome, recorder = await run(graph, {"count": "many", "extra": 1})

    assert outcome.status == "failed"
    assert outcome.nodes == {}
    assert recorder.types() == ["run_failed"]
    problems = {(problem.field, problem.message) for problem in recorder.of(RunFailed)[0].input_problems}
    assert problems == {
        ("topic", "is required"),
        ("count", "must be a number"),
        ("extra", "is not a field of the flow's input"),
    }
    assert outcome.error is not None
    assert "topic: is required" in outcome.error
