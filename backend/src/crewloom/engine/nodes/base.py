"""What every node config shares: strict fields, and the templates, expressions and references it holds,
so validation can check them without knowing each type."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Marked in the JSON Schema so that forms can offer a template or expression editor.
Template = Annotated[str, Field(max_length=100_000, json_schema_extra={"format": "jinja2-template"})]
CelExpression = Annotated[str, Field(min_length=1, max_length=10_000, json_schema_extra={"format": "cel"})]
Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]

ReferenceKind = Literal["agent", "crew", "tool", "provider"]


@dataclass(frozen=True)
class Reference:
    kind: ReferenceKind
    id: uuid.UUID
    field: str


class NodeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def templates(self) -> dict[str, str]:
        """The Jinja2 templates of this config, by field path."""
        return {}

    def expressions(self) -> dict[str, str]:
        """The CEL expressions of this config, by field path."""
        return {}

    def references(self) -> list[Reference]:
        """The tenant objects this config names."""
        return []
