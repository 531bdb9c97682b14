"""What validation reports: every problem of a graph, each naming the node or edge at fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from crewloom.engine.nodes import Reference

ProblemCode = Literal[
    "invalid_graph",
    "unknown_type",
    "invalid_config",
    "missing_reference",
    "duplicate_id",
    "dangling_edge",
    "cycle",
    "unreachable",
    "no_path_to_output",
    "condition_branches",
    "unknown_template_variable",
    "invalid_expression",
    "missing_input",
    "multiple_inputs",
    "missing_output",
]


class Problem(BaseModel):
    code: ProblemCode
    message: str
    node_id: str | None = None
    edge_id: str | None = None
    field: str | None = None
    node_ids: list[str] | None = None


@dataclass(frozen=True)
class KnownReferences:
    """The ids of this tenant's objects that a graph may name (only those it does name need be here)."""

    agents: frozenset[str] = field(default_factory=frozenset)
    crews: frozenset[str] = field(default_factory=frozenset)
    tools: frozenset[str] = field(default_factory=frozenset)
    providers: frozenset[str] = field(default_factory=frozenset)

    def knows(self, reference: Reference) -> bool:
        known = {"agent": self.agents, "crew": self.crews, "tool": self.tools, "provider": self.providers}
        return str(reference.id) in known[reference.kind]
