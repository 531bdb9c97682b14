"""Independent branches overlap, bounded by the concurrency; a join waits for all its predecessors."""

from __future__ import annotations

from crewloom.engine.runtime import RunServices
from tests.engine.runtime.harness import FakeTools, build, run, sleeping, tool
from tests.flows.graphs import edge, node, output_node


def fan_out() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    nodes = [node("in", "input", {"fields": []}), tool("a", "a"), tool("b", "b")]
    nodes.append(output_node("out", "{{ nodes.a.output }} {{ nodes.b.output }}"))
    return nodes, [edge("in", "a"), edge("in", "b"), edge("a", "out"), edge("b", "out")]


def overlapped(first: tuple[float, float], second: tuple[float, float]) -> bool:
    return first[0] < second[1] and second[0] < first[1]


async def test_independent_branches_run_concurrently_and_the_join_waits() -> None:
    tools = FakeTools({"a": sleeping(0.05, "A"), "b": sleeping(0.05, "B")})

    outcome, recorder = await run(build(*fan_out()), services=RunServices(run_tool=tools))

    assert outcome.status == "succeeded"
    assert overlapped(tools.spans["a"], tools.spans["b"])
    assert outcome.outputs == {"out": "A B"}
    order = [(event.type, getattr(event, "node_id", None)) for event in recorder.events]
    assert order.index(("node_started", "out")) > order.index(("node_succeeded", "a"))
    assert order.index(("node_started", "out")) > order.index(("node_succeeded", "b"))
    assert outcome.usage.tokens_in == 2


async def test_the_concurrency_bound_serialises_branches() -> None:
    tools = FakeTools({"a": sleeping(0.02), "b": sleeping(0.02)})

    outcome, _ = await run(build(*fan_out()), services=RunServices(run_tool=tools), concurrency=1)

    assert outcome.status == "succeeded"
    assert not overlapped(tools.spans["a"], tools.spans["b"])
