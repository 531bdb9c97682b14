"""One model call through the gateway, as text or as JSON matching a schema."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from crewloom.engine.nodes.base import NodeConfig, Reference, Template


class LlmConfig(NodeConfig):
    provider_id: uuid.UUID
    model: str = Field(min_length=1, max_length=200)
    system: Template | None = None
    prompt: Template = Field(min_length=1)
    output_format: Literal["text", "json"] = "text"
    # Declared after output_format so its validator can see the format.
    output_schema: dict[str, Any] | None = Field(
        default=None, validate_default=True, description="JSON Schema of the output; required for json"
    )
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)

    @field_validator("output_schema")
    @classmethod
    def _schema_for_json(cls, value: dict[str, Any] | None, info: ValidationInfo) -> dict[str, Any] | None:
        if info.data.get("output_format") == "json" and not value:
            raise ValueError("is required when output_format is json")
        return value

    def templates(self) -> dict[str, str]:
        found = {"prompt": self.prompt}
        if self.system:
            found["system"] = self.system
        return found

    def references(self) -> list[Reference]:
        return [Reference("provider", self.provider_id, "provider_id")]
