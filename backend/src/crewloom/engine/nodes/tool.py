"""One call of a workspace tool, its arguments rendered from templates."""

from __future__ import annotations

import uuid

from pydantic import Field

from crewloom.engine.nodes.base import Identifier, NodeConfig, Reference, Template


class ToolConfig(NodeConfig):
    tool_id: uuid.UUID
    arguments: dict[Identifier, Template] = Field(
        default_factory=dict,
        description="Argument name -> template; a value the tool's schema wants as a number, boolean, object or "
        "array is read as JSON. For an mcp tool, 'tool' names the server's tool to call",
    )

    def templates(self) -> dict[str, str]:
        return {f"arguments.{name}": source for name, source in self.arguments.items()}

    def references(self) -> list[Reference]:
        return [Reference("tool", self.tool_id, "tool_id")]
