"""Conditions: the taken branch runs, the untaken one is skipped, and joins run if any path was taken."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine.runtime.harness import build, condition, run
from tests.flows.graphs import edge, node, output_node


def branching() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """in -> check; true -> yes -> join; false -> no -> join; false -> only_no; join -> out."""
    nodes = [
        node("in", "input", {"fields": [{"name": "n", "type": "number"}]}),
        condition("check", "inputs.n > 3"),
        output_node("yes", "big {{ inputs.n }}"),
        output_node("no", "small {{ inputs.n }}"),
        output_node("only_no", "only on false"),
        output_node("join", "joined"),
    ]
    edges = [
        edge("in", "check"),
        edge("check", "yes", "true"),
        edge("check", "no", "false"),
        edge("check", "only_no", "false", edge_id="check-only_no"),
        edge("yes", "join"),
        edge("no", "join"),
    ]
    return nodes, edges


@pytest.mark.parametrize(("n", "taken", "untaken"), [(5, "yes", ["no", "only_no"]), (1, "no", ["yes"])])
async def test_the_taken_branch_runs_and_the_untaken_is_skipped(n: int, taken: str, untaken: list[str]) -> None:
    graph = build(*branching())

    outcome, recorder = await run(graph, {"n": n})

    assert outcome.status == "succeeded"
    assert outcome.nodes["check"].output is (n > 3)
    assert outcome.nodes[taken].status == "succeeded"
    assert outcome.nodes["join"].status == "succeeded"
    for node_id in untaken:
        assert outcome.nodes[node_id].status == "skipped"
        assert recorder.types(node_id) == ["node_skipped"]
    assert set(outcome.outputs) == {taken, "join"} | ({"only_no"} if n <= 3 else set())


async def test_a_node_reached_only_through_skipped_nodes_is_skipped() -> None:
    nodes = [
        node("in", "input", {"fields": [{"name": "n", "type": "number"}]}),
        condition("check", "inputs.n > 3"),
        output_node("yes", "big"),
        condition("deeper", "true"),
        output_node("deep_yes", "deep"),
        output_node("deep_no", "deep no"),
        output_node("no", "small"),
    ]
    edges = [
        edge("in", "check"),
        edge("check", "yes", "true"),
        edge("check", "deeper", "true"),
        edge("deeper", "deep_yes", "true"),
        edge("deeper", "deep_no", "false"),
        edge("check", "no", "false"),
    ]

    outcome, _ = await run(build(nodes, edges), {"n": 1})

    assert {node_id: outcome.nodes[node_id].status for node_id in ("yes", "deeper", "deep_yes", "deep_no", "no")} == {
        "yes": "skipped",
        "deeper": "skipped",
        "deep_yes": "skipped",
        "deep_no": "skipped",
        "no": "succeeded",
    }


async def test_a_condition_that_is_not_boolean_fails_clearly() -> None:
    nodes = [node("in", "input", {"fields": [{"name": "n", "type": "number"}]}), condition("check", "inputs.n + 1")]
    nodes += [output_node("a", "a"), output_node("b", "b")]
    graph = build(nodes, [edge("in", "check"), edge("check", "a", "true"), edge("check", "b", "false")])

    outcome, _ = await run(graph, {"n": 1})

    assert outcome.status == "failed"
    assert outcome.nodes["check"].error == "expression: must be true or false, not IntType(2)"
