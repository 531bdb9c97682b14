"""Request and response bodies of the flows domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from crewloom.engine.graph import Edge, Graph, Node
from crewloom.engine.problems import Problem
from crewloom.kit.resources import ResourceFields, ResourceOut, VersionedUpdate

Message = Field(default="", max_length=2000, description="What changed, shown in the version history")


class FlowIn(ResourceFields):
    graph: Graph | None = Field(default=None, description="If given, saved as version 1")
    message: str = Message


class FlowUpdate(ResourceFields, VersionedUpdate):
    """The flow's name, description and tags; its graph changes only by saving a version."""


class FlowSummary(ResourceOut):
    latest_version: int = Field(description="0 until a graph is saved")
    published_version: int | None


class FlowOut(FlowSummary):
    graph: Graph | None = Field(description="The latest version's graph")
    problems: list[Problem] = Field(description="What keeps the latest graph from being published")


class VersionSave(VersionedUpdate):
    graph: Graph
    message: str = Message


class VersionRestore(VersionedUpdate):
    message: str | None = Field(default=None, max_length=2000, description='Defaults to "Restored version N"')


class VersionPublish(VersionedUpdate):
    pass


class FlowVersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    author_id: uuid.UUID | None
    created_at: datetime
    message: str


class FlowVersionOut(FlowVersionSummary):
    graph: Graph


class FlowVersionDetail(FlowVersionOut):
    problems: list[Problem]


class VersionSaved(BaseModel):
    version: FlowVersionOut
    problems: list[Problem] = Field(description="The saved graph's problems; it is saved all the same")
    flow: FlowOut


class GraphIn(BaseModel):
    graph: Graph


class ProblemsOut(BaseModel):
    problems: list[Problem]


class NodeTypeOut(BaseModel):
    type: str
    title: str
    description: str
    config_schema: dict[str, Any] = Field(description="JSON Schema of the node's config")
    outputs: list[str] = Field(description="The handles edges leave this node from")


class FieldChange(BaseModel):
    before: Any = None
    after: Any = None


class ElementChange(BaseModel):
    id: str
    fields: dict[str, FieldChange] = Field(description="Changed fields by dotted path, e.g. config.prompt")


class NodeDiff(BaseModel):
    added: list[Node]
    removed: list[Node]
    changed: list[ElementChange]


class EdgeDiff(BaseModel):
    added: list[Edge]
    removed: list[Edge]
    changed: list[ElementChange]


class GraphDiff(BaseModel):
    base: int
    target: int
    nodes: NodeDiff
    edges: EdgeDiff
    settings: dict[str, FieldChange]
