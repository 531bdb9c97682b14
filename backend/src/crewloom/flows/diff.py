"""What changed between two graphs: nodes and edges compared by id, each changed one with the dotted
paths of its changed fields (a moved node shows as ``position``, apart from its config)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from crewloom.engine.graph import Edge, Graph, Node
from crewloom.flows.schemas import EdgeDiff, ElementChange, FieldChange, GraphDiff, NodeDiff

ElementT = TypeVar("ElementT", Node, Edge)
# Below these keys a change is reported whole rather than path by path: a moved node is one change.
_ATOMIC = {"position", "retry"}


def _changes(before: Any, after: Any, path: str = "") -> dict[str, FieldChange]:
    if before == after:
        return {}
    if isinstance(before, dict) and isinstance(after, dict) and path not in _ATOMIC:
        found: dict[str, FieldChange] = {}
        for key in [*before, *(key for key in after if key not in before)]:
            # A key present on one side only compares against None.
            found.update(_changes(before.get(key), after.get(key), f"{path}.{key}" if path else key))
        return found
    return {path: FieldChange(before=before, after=after)}


def _dump(element: BaseModel) -> dict[str, Any]:
    return element.model_dump(mode="json", exclude_none=True)


def _first_by_id(elements: Sequence[ElementT]) -> dict[str, ElementT]:
    found: dict[str, ElementT] = {}
    for element in elements:
        found.setdefault(element.id, element)
    return found


def _compare(
    before: Sequence[ElementT], after: Sequence[ElementT]
) -> tuple[list[ElementT], list[ElementT], list[ElementChange]]:
    old, new = _first_by_id(before), _first_by_id(after)
    added = [element for element_id, element in new.items() if element_id not in old]
    removed = [element for element_id, element in old.items() if element_id not in new]
    changed = []
    for element_id, element in new.items():
        if element_id in old:
            fields = _changes(_dump(old[element_id]), _dump(element))
            if fields:
                changed.append(ElementChange(id=element_id, fields=fields))
    return added, removed, changed


def graph_diff(base: int, before: Graph, target: int, after: Graph) -> GraphDiff:
    nodes_added, nodes_removed, nodes_changed = _compare(before.nodes, after.nodes)
    edges_added, edges_removed, edges_changed = _compare(before.edges, after.edges)
    return GraphDiff(
        base=base,
        target=target,
        nodes=NodeDiff(added=nodes_added, removed=nodes_removed, changed=nodes_changed),
        edges=EdgeDiff(added=edges_added, removed=edges_removed, changed=edges_changed),
        settings=_changes(_dump(before.settings), _dump(after.settings)),
    )
