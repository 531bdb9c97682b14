"""Graph builders shared by the flow and engine tests."""

from __future__ import annotations

from typing import Any


def node(node_id: str, node_type: str, config: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "position": {"x": 0, "y": 0}, "config": config or {}, **extra}


def edge(source: str, target: str, handle: str | None = None, edge_id: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"id": edge_id or f"{source}-{target}", "source": source, "target": target}
    if handle is not None:
        found["source_handle"] = handle
    return found


def input_node(node_id: str = "in", *fields: str) -> dict[str, Any]:
    names = fields or ("topic",)
    return node(node_id, "input", {"fields": [{"name": name, "type": "string"} for name in names]})


def output_node(node_id: str = "out", value: str = "{{ inputs.topic }}") -> dict[str, Any]:
    return node(node_id, "output", {"value": value})


def valid_graph() -> dict[str, Any]:
    """input -> output: no references, no problems."""
    return {"nodes": [input_node(), output_node()], "edges": [edge("in", "out")]}
