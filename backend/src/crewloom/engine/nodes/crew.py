"""A crew of the workspace, kicked off with its placeholders filled from templates."""

from __future__ import annotations

import uuid

from pydantic import Field

from crewloom.engine.nodes.base import Identifier, NodeConfig, Reference, Template


class CrewConfig(NodeConfig):
    crew_id: uuid.UUID
    inputs: dict[Identifier, Template] = Field(default_factory=dict, description="Crew placeholder -> template")

    def templates(self) -> dict[str, str]:
        return {f"inputs.{name}": source for name, source in self.inputs.items()}

    def references(self) -> list[Reference]:
        return [Reference("crew", self.crew_id, "crew_id")]
