"""The graph validator, case by case: each broken graph reports exactly its problems, all at once."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from crewloom.engine.problems import KnownReferences
from crewloom.engine.validation import validate
from tests.flows.graphs import edge, input_node, node, output_node

AGENT, CREW, TOOL, PROVIDER = (str(uuid.uuid4()) for _ in range(4))
UNKNOWN = str(uuid.uuid4())
KNOWN = KnownReferences(
    agents=frozenset({AGENT}), crews=frozenset({CREW}), tools=frozenset({TOOL}), providers=frozenset({PROVIDER})
)


def tool(node_id: str, **arguments: str) -> dict[str, Any]:
    return node(node_id, "tool", {"tool_id": TOOL, "arguments": arguments})


def condition(node_id: str, expression: str = "inputs.topic == 'x'") -> dict[str, Any]:
    return node(node_id, "condition", {"expression": expression})


def chain(*node_ids: str) -> list[dict[str, Any]]:
    return [edge(source, target) for source, target in itertools.pairwise(node_ids)]


def graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    return {"nodes": nodes, "edges": edges}


def found(graph_data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in problem.model_dump(exclude_none=True).items() if key != "message"}
        for problem in validate(graph_data, KNOWN)
    ]


def every_type() -> dict[str, Any]:
    """Every node type, correctly configured and wired: input -> llm -> condition -> (agent | crew) -> ..."""
    return graph(
        [
            input_node("in", "topic", "depth"),
            node(
                "research",
                "llm",
                {
                    "provider_id": PROVIDER,
                    "model": "mock",
                    "system": "You research {{ inputs.topic }}.",
                    "prompt": "Research {{ inputs.topic }} to depth {{ inputs.depth }}",
                    "output_format": "json",
                    "output_schema": {"type": "object", "properties": {"title": {"type": "string"}}},
                },
            ),
            condition("deep", "inputs.depth == 'deep'"),
            node("agent", "agent", {"agent_id": AGENT, "task": "Expand {{ nodes.research.output.title }}"}),
            node("crew", "crew", {"crew_id": CREW, "inputs": {"topic": "{{ nodes['research'].output }}"}}),
            tool("search", query="{% for word in inputs.topic.split() %}{{ word }} {% endfor %}"),
            output_node("out", "{{ nodes.search.output }} {{ nodes.research.output.title | upper }}"),
        ],
        [
            *chain("in", "research", "deep"),
            edge("deep", "agent", "true"),
            edge("deep", "crew", "false"),
            edge("agent", "search"),
            edge("crew", "search"),
            edge("search", "out"),
        ],
    )


def test_a_valid_graph_of_every_type_has_no_problems() -> None:
    assert found(every_type()) == []


BROKEN: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    (
        "empty",
        graph([], []),
        [{"code": "missing_input"}, {"code": "missing_output"}],
    ),
    (
        "not a graph at all",
        {"nodes": "many", "edges": [{"id": "e"}]},
        [
            {"code": "invalid_graph", "field": "nodes"},
            {"code": "invalid_graph", "field": "edges.0.source"},
            {"code": "invalid_graph", "field": "edges.0.target"},
        ],
    ),
    (
        "two inputs",
        graph([input_node("in"), input_node("in2"), output_node()], [*chain("in", "out"), *chain("in2", "out")]),
        [{"code": "multiple_inputs", "node_id": "in2"}],
    ),
    (
        "unknown type",
        graph([input_node(), node("magic", "teleport"), output_node()], chain("in", "magic", "out")),
        [{"code": "unknown_type", "node_id": "magic", "field": "type"}],
    ),
    (
        "config not matching its schema, one problem per error",
        graph(
            [input_node(), node("llm", "llm", {"temperature": 5, "output_format": "json", "extra": 1}), output_node()],
            chain("in", "llm", "out"),
        ),
        [
            {"code": "invalid_config", "node_id": "llm", "field": "config.provider_id"},
            {"code": "invalid_config", "node_id": "llm", "field": "config.model"},
            {"code": "invalid_config", "node_id": "llm", "field": "config.prompt"},
            {"code": "invalid_config", "node_id": "llm", "field": "config.output_schema"},
            {"code": "invalid_config", "node_id": "llm", "field": "config.temperature"},
            {"code": "invalid_config", "node_id": "llm", "field": "config.extra"},
        ],
    ),
    (
        "input field names and defaults",
        graph(
            [
                node(
                    "in",
                    "input",
                    {
                        "fields": [
                            {"name": "1st", "type": "string"},
                            {"name": "count", "type": "number", "default": "three"},
                        ]
                    },
                ),
                output_node("out", "done"),
            ],
            chain("in", "out"),
        ),
        [
            {"code": "invalid_config", "node_id": "in", "field": "config.fields.0.name"},
            {"code": "invalid_config", "node_id": "in", "field": "config.fields.1"},
        ],
    ),
    (
        "template syntax error",
        graph([input_node(), output_node("out", "{{ inputs.topic ")], chain("in", "out")),
        [{"code": "invalid_config", "node_id": "out", "field": "config.value"}],
    ),
    (
        "references to objects that do not exist here",
        graph(
            [
                input_node(),
                node("llm", "llm", {"provider_id": UNKNOWN, "model": "m", "prompt": "p"}),
                node("agent", "agent", {"agent_id": UNKNOWN, "task": "t"}),
                node("crew", "crew", {"crew_id": UNKNOWN}),
                node("tool", "tool", {"tool_id": UNKNOWN}),
                output_node(),
            ],
            chain("in", "llm", "agent", "crew", "tool", "out"),
        ),
        [
            {"code": "missing_reference", "node_id": "llm", "field": "config.provider_id"},
            {"code": "missing_reference", "node_id": "agent", "field": "config.agent_id"},
            {"code": "missing_reference", "node_id": "crew", "field": "config.crew_id"},
            {"code": "missing_reference", "node_id": "tool", "field": "config.tool_id"},
        ],
    ),
    (
        "duplicate node and edge ids",
        graph(
            [input_node(), tool("t"), tool("t"), output_node()],
            [edge("in", "t", edge_id="e"), edge("t", "out", edge_id="e")],
        ),
        [{"code": "duplicate_id", "node_id": "t"}, {"code": "duplicate_id", "edge_id": "e"}],
    ),
    (
        "dangling edges",
        graph([input_node(), output_node()], [*chain("in", "out"), edge("in", "ghost"), edge("phantom", "out")]),
        [
            {"code": "dangling_edge", "edge_id": "in-ghost", "field": "target"},
            {"code": "dangling_edge", "edge_id": "phantom-out", "field": "source"},
        ],
    ),
    (
        "an unknown handle",
        graph([input_node(), output_node()], [edge("in", "out", "elsewhere")]),
        [{"code": "dangling_edge", "edge_id": "in-out", "field": "source_handle"}],
    ),
    (
        "a cycle, with its nodes in order, and a self-loop",
        graph(
            [input_node(), tool("a"), tool("b"), tool("c"), tool("d"), output_node()],
            [*chain("in", "a", "b", "c", "a"), *chain("c", "d", "d"), edge("d", "out")],
        ),
        [
            {"code": "cycle", "node_ids": ["a", "b", "c"]},
            {"code": "cycle", "node_ids": ["d"]},
        ],
    ),
    (
        "unreachable from the input",
        graph([input_node(), tool("lonely"), output_node()], [*chain("in", "out"), *chain("lonely", "out")]),
        [{"code": "unreachable", "node_id": "lonely"}],
    ),
    (
        "no path to an output",
        graph([input_node(), tool("dead"), output_node()], [*chain("in", "out"), *chain("in", "dead")]),
        [{"code": "no_path_to_output", "node_id": "dead"}],
    ),
    (
        "a lone node is both unreachable and leads nowhere",
        graph([input_node(), tool("island"), output_node()], chain("in", "out")),
        [{"code": "unreachable", "node_id": "island"}, {"code": "no_path_to_output", "node_id": "island"}],
    ),
    (
        "condition branches",
        graph(
            [input_node(), condition("if"), tool("t"), output_node()],
            [
                *chain("in", "if"),
                edge("if", "t", "true"),
                edge("if", "out", None, "plain"),
                edge("t", "out", "false"),
            ],
        ),
        [
            {"code": "condition_branches", "edge_id": "plain", "field": "source_handle"},
            {"code": "condition_branches", "edge_id": "t-out", "field": "source_handle"},
            {"code": "condition_branches", "node_id": "if"},
        ],
    ),
    (
        "a CEL syntax error",
        graph(
            [input_node(), condition("if", "1 +* 2"), output_node()],
            [*chain("in", "if"), edge("if", "out", "true"), edge("if", "out", "false", "no")],
        ),
        [{"code": "invalid_expression", "node_id": "if", "field": "config.expression"}],
    ),
    (
        "template variables naming nothing upstream",
        graph(
            [
                input_node(),
                tool("early", query="{{ nodes.late.output }} {{ nodes.early.output }}"),
                tool("late", query="{{ inputs.topic }}"),
                output_node(
                    "out", "{{ inputs.missing }} {{ nodes.ghost.output }} {{ secret }} {{ nodes.late.output }}"
                ),
            ],
            chain("in", "early", "late", "out"),
        ),
        [
            {"code": "unknown_template_variable", "node_id": "early", "field": "config.arguments.query"},
            {"code": "unknown_template_variable", "node_id": "early", "field": "config.arguments.query"},
            {"code": "unknown_template_variable", "node_id": "out", "field": "config.value"},
            {"code": "unknown_template_variable", "node_id": "out", "field": "config.value"},
            {"code": "unknown_template_variable", "node_id": "out", "field": "config.value"},
        ],
    ),
]


@pytest.mark.parametrize(("graph_data", "expected"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_broken_graphs_report_exactly_their_problems(
    graph_data: dict[str, Any], expected: list[dict[str, Any]]
) -> None:
    assert found(graph_data) == expected


def test_many_problems_are_reported_together_in_a_stable_order() -> None:
    broken = graph(
        [tool("t"), tool("t"), node("x", "teleport"), condition("if", "(")],
        [*chain("t", "x", "t"), edge("t", "ghost")],
    )
    first = found(broken)
    assert first == found(broken)
    assert [problem["code"] for problem in first] == [
        "missing_input",
        "missing_output",
        "duplicate_id",
        "unknown_type",
        "invalid_expression",
        "dangling_edge",
        "condition_branches",
        "cycle",
    ]
    assert first[-1]["node_ids"] == ["t", "x"]


def test_messages_name_what_is_wrong() -> None:
    problems = validate(
        graph(
            [input_node(), tool("early", query="{{ nodes.late.output }}"), tool("late"), output_node()],
            chain("in", "early", "late", "out"),
        ),
        KNOWN,
    )
    assert [problem.message for problem in problems] == ["node 'late' is not upstream of this node"]
