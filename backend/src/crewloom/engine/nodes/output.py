"""A result of the flow, rendered from upstream outputs."""

from __future__ import annotations

from pydantic import Field

from crewloom.engine.nodes.base import NodeConfig, Template


class OutputConfig(NodeConfig):
    value: Template = Field(min_length=1)

    def templates(self) -> dict[str, str]:
        return {"value": self.value}
