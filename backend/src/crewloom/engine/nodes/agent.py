"""One task given to one agent of the workspace."""

from __future__ import annotations

import uuid

from pydantic import Field

from crewloom.engine.nodes.base import NodeConfig, Reference, Template


class AgentConfig(NodeConfig):
    agent_id: uuid.UUID
    task: Template = Field(min_length=1)
    expected_output: str = Field(default="", max_length=10_000)

    def templates(self) -> dict[str, str]:
        return {"task": self.task}

    def references(self) -> list[Reference]:
        return [Reference("agent", self.agent_id, "agent_id")]
