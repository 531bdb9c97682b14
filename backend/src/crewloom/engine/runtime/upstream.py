"""What a node's templates see of the nodes before it: a view, not a copy, so that a node deep in a long
chain costs no more to start than the first one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from crewloom.engine.runtime.results import NodeOutcome
from crewloom.engine.topology import Topology


class Ancestry:
    """Every node's ancestors as a bit set over the nodes' positions, built in one pass in topological
    order (the graph is validated, so it has no cycle)."""

    def __init__(self, topology: Topology) -> None:
        self._names = list(topology.order)
        self._position = {name: index for index, name in enumerate(self._names)}
        self._bits: dict[str, int] = {}
        waiting = {name: len(topology.parents[name]) for name in self._names}
        ready = [name for name, count in waiting.items() if count == 0]
        while ready:
            name = ready.pop()
            bits = 0
            for parent in topology.parents[name]:
                bits |= self._bits[parent] | (1 << self._position[parent])
            self._bits[name] = bits
            for child in topology.children[name]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)

    def has(self, node_id: str, ancestor: str) -> bool:
        position = self._position.get(ancestor)
        return position is not None and bool(self._bits.get(node_id, 0) >> position & 1)

    def of(self, node_id: str) -> Iterator[str]:
        bits = self._bits.get(node_id, 0)
        return (name for index, name in enumerate(self._names) if bits >> index & 1)


class UpstreamOutputs(Mapping[str, dict[str, Any]]):
    """``nodes.<id>.output`` for every ancestor of one node that succeeded; nothing else is visible."""

    def __init__(self, node_id: str, ancestry: Ancestry, outcomes: Mapping[str, NodeOutcome]) -> None:
        self._node_id = node_id
        self._ancestry = ancestry
        self._outcomes = outcomes

    def _succeeded(self, name: str) -> NodeOutcome | None:
        outcome = self._outcomes.get(name)
        if outcome is None or outcome.status != "succeeded" or not self._ancestry.has(self._node_id, name):
            return None
        return outcome

    def __getitem__(self, name: str) -> dict[str, Any]:
        outcome = self._succeeded(name)
        if outcome is None:
            raise KeyError(name)
        return {"output": outcome.output}

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._ancestry.of(self._node_id) if self._succeeded(name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)
