"""A branch: a CEL expression over inputs and upstream outputs picks the true or the false edge."""

from __future__ import annotations

from crewloom.engine.nodes.base import CelExpression, NodeConfig


class ConditionConfig(NodeConfig):
    expression: CelExpression

    def expressions(self) -> dict[str, str]:
        return {"expression": self.expression}
