"""The shape of a flow graph. Node types stay plain strings and configs plain objects here, so that a
draft with an unknown type or a wrong config is still a graph: validation reports those as problems."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from crewloom.engine.nodes import NODE_TYPES

ElementId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]
Handle = Annotated[str, Field(min_length=1, max_length=100)]


def _any_object(value: Any, _handler: core_schema.ValidatorFunctionWrapHandler) -> dict[str, Any]:
    # Configs are judged by validation, which reports problems instead of refusing the graph.
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise PydanticCustomError("dict_type", "Input should be a valid dictionary")
    return value


class _AnyNodeConfig:
    """Validated as any object; documented as one of the node types' configs, so that every config
    model is a named component of the OpenAPI spec that forms are generated from."""

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        configs = [node_type.config.__pydantic_core_schema__ for node_type in NODE_TYPES.values()]
        documented = core_schema.union_schema([*configs, core_schema.dict_schema(core_schema.str_schema())])
        return core_schema.no_info_wrap_validator_function(_any_object, documented)


NodeConfigData = Annotated[dict[str, Any], _AnyNodeConfig]


class Position(BaseModel):
    model_config = ConfigDict(extra="forbid")

    x: float = 0
    y: float = 0


class Retry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(ge=1, le=10)
    backoff_seconds: float = Field(default=0, ge=0, le=3600)


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ElementId
    type: str = Field(min_length=1, max_length=64)
    label: str | None = Field(default=None, max_length=200)
    position: Position = Field(default_factory=Position)
    config: NodeConfigData = Field(
        default_factory=dict, description="The config of the node's type (see GET /flows/node-types)"
    )
    timeout_seconds: int | None = Field(default=None, ge=1, le=86_400)
    retry: Retry | None = None


class Edge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ElementId
    source: ElementId
    target: ElementId
    source_handle: Handle | None = Field(default=None, description='"true" or "false" on a condition node')
    target_handle: Handle | None = None


class GraphSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    failure_policy: Literal["stop", "continue"] = "stop"


class Graph(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nodes: list[Node] = Field(default_factory=list, max_length=2000)
    edges: list[Edge] = Field(default_factory=list, max_length=5000)
    settings: GraphSettings = Field(default_factory=GraphSettings)

    def stored(self) -> dict[str, Any]:
        """The graph as it is saved in a version: JSON, without unset optional fields."""
        return self.model_dump(mode="json", exclude_none=True)
