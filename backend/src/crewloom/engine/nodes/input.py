"""The flow's entry point: the fields a run (or a chat message) supplies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crewloom.engine.nodes.base import Identifier, NodeConfig

FieldType = Literal["string", "number", "boolean", "json"]


def _matches(kind: FieldType, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return True


class InputField(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Identifier
    type: FieldType = "string"
    required: bool = True
    default: Any = None
    description: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _default_has_the_field_type(self) -> InputField:
        if self.default is not None and not _matches(self.type, self.default):
            raise ValueError(f"default must be a {self.type}")
        return self


class InputConfig(NodeConfig):
    fields: list[InputField] = Field(default_factory=list, max_length=100)
    chat: bool = Field(default=False, description="This input receives the chat message")

    @field_validator("fields")
    @classmethod
    def _names_are_unique(cls, value: list[InputField]) -> list[InputField]:
        names = [field.name for field in value]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"field names must be unique: {', '.join(duplicates)}")
        return value
