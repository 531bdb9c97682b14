"""Failure policies, cancellation and reuse of a previous execution's outcomes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from crewloom.engine.runtime import NodeCancelled, NodeOutcome, NodeSucceeded, RunCancelled, RunServices, Usage
from tests.engine.runtime.harness import FakeTools, build, failing, run, sleeping, tool
from tests.flows.graphs import edge, node, output_node


def two_branches(policy: str) -> Any:
    """in -> bad -> after_bad -> out_bad; in -> slow -> out_slow."""
    nodes = [node("in", "input", {"fields": []}), tool("bad", "bad"), tool("after_bad", "after"), tool("slow", "slow")]
    nodes += [
        output_node("out_bad", "{{ nodes.after_bad.output }}"),
        output_node("out_slow", "{{ nodes.slow.output }}"),
    ]
    edges = [edge("in", "bad"), edge("bad", "after_bad"), edge("after_bad", "out_bad")]
    edges += [edge("in", "slow"), edge("slow", "out_slow")]
    return build(nodes, edges, policy)


async def test_stop_cancels_running_nodes_and_marks_unstarted_ones_cancelled() -> None:
    tools = FakeTools({"bad": failing("boom"), "slow": sleeping(30), "after": sleeping(0)})

    outcome, recorder = await run(two_branches("stop"), services=RunServices(run_tool=tools))

    assert outcome.status == "failed"
    assert outcome.error == "node 'bad' failed: RuntimeError: boom"
    statuses = {node_id: result.status for node_id, result in outcome.nodes.items()}
    assert statuses == {
        "in": "succeeded",
        "bad": "failed",
        "slow": "cancelled",
        "after_bad": "cancelled",
        "out_bad": "cancelled",
        "out_slow": "cancelled",
    }
    assert tools.cancelled == {"slow"}
    assert {event.node_id for event in recorder.of(NodeCancelled)} == {"slow", "after_bad", "out_bad", "out_slow"}
    assert recorder.types()[-1] == "run_failed"


async def test_continue_finishes_independent_branches_and_skips_dependents() -> None:
    tools = FakeTools({"bad": failing("boom"), "slow": sleeping(0.02, "S"), "after": sleeping(0)})

    outcome, _ = await run(two_branches("continue"), services=RunServices(run_tool=tools))

    assert outcome.status == "failed"
    statuses = {node_id: result.status for node_id, result in outcome.nodes.items()}
    assert statuses["slow"] == statuses["out_slow"] == "succeeded"
    assert statuses["after_bad"] == statuses["out_bad"] == "skipped"
    assert "after" not in tools.calls
    assert outcome.nodes["out_slow"].output == "S"


@pytest.mark.parametrize("as_event", [True, False])
async def test_cancellation_mid_run_cancels_the_handler_promptly(as_event: bool) -> None:
    started = asyncio.Event()

    async def endless(_arguments: Any, _reporter: Any) -> str:
        started.set()
        await asyncio.sleep(30)
        return "never"

    tools = FakeTools({"endless": endless})
    flag = asyncio.Event()
    graph = build(
        [node("in", "input", {"fields": []}), tool("mid", "endless"), output_node("out", "{{ nodes.mid.output }}")],
        [edge("in", "mid"), edge("mid", "out")],
    )

    async def cancel_once_started() -> None:
        await started.wait()
        flag.set()

    canceller = asyncio.create_task(cancel_once_started())
    async with asyncio.timeout(2):
        outcome, recorder = await run(
            graph, services=RunServices(run_tool=tools), cancelled=flag if as_event else flag.is_set
        )
    await canceller

    assert outcome.status == "cancelled"
    assert tools.cancelled == {"endless"}
    assert outcome.nodes["mid"].status == outcome.nodes["out"].status == "cancelled"
    assert recorder.types()[-1] == "run_cancelled"
    assert recorder.of(RunCancelled)[0].usage == Usage()


async def test_reused_outcomes_are_taken_as_is_and_the_rest_runs_again() -> None:
    tools = FakeTools({"first": sleeping(0, "fresh"), "second": sleeping(0, "second")})
    nodes = [node("in", "input", {"fields": []}), tool("first", "first"), tool("second", "second")]
    nodes.append(output_node("out", "{{ nodes.first.output }} / {{ nodes.second.output }}"))
    graph = build(nodes, [edge("in", "first"), edge("first", "second"), edge("second", "out")])
    previous = {
        "first": NodeOutcome(status="succeeded", output="earlier", usage=Usage(tokens_in=9), attempts=2),
        "second": NodeOutcome(status="failed", error="boom", attempts=1),
    }

    outcome, recorder = await run(graph, services=RunServices(run_tool=tools), reuse=previous)

    assert tools.calls == ["second"]
    assert outcome.outputs == {"out": "earlier / second"}
    reused = [event for event in recorder.of(NodeSucceeded) if event.reused]
    assert [(event.node_id, event.output, event.attempt) for event in reused] == [("first", "earlier", 2)]
    assert recorder.types("first") == ["node_succeeded"]
    # Only what this execution spent is counted.
    assert outcome.usage == Usage(tokens_in=1, tokens_out=1)
