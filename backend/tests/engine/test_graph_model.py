"""The graph model: node configs stay plain objects so that validation, not parsing, judges them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crewloom.engine.graph import Graph
from crewloom.engine.nodes import NODE_TYPES


def test_unknown_types_and_wrong_configs_still_parse() -> None:
    graph = Graph.model_validate({"nodes": [{"id": "a", "type": "teleport", "config": {"anything": [1]}}]})
    assert graph.stored() == {
        "nodes": [{"id": "a", "type": "teleport", "position": {"x": 0.0, "y": 0.0}, "config": {"anything": [1]}}],
        "edges": [],
        "settings": {"failure_policy": "stop"},
    }


def test_the_envelope_is_strict() -> None:
    with pytest.raises(ValidationError) as caught:
        Graph.model_validate({"nodes": [{"id": "a", "type": "x", "config": [], "retry": {"attempts": 11}}]})
    assert [error["loc"] for error in caught.value.errors()] == [
        ("nodes", 0, "config"),
        ("nodes", 0, "retry", "attempts"),
    ]


def test_every_config_model_is_documented_on_the_node() -> None:
    schema = Graph.model_json_schema()
    documented = {option.get("$ref") for option in schema["$defs"]["Node"]["properties"]["config"]["anyOf"]}
    assert {f"#/$defs/{node_type.config.__name__}" for node_type in NODE_TYPES.values()} <= documented
