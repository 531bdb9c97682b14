"""The flow document: one JSON object holding a flow's graph and every agent, crew, tool and provider it
uses, each under its original id (``ref``), so that another workspace can recreate or map them.

It never holds key material: providers travel without keys, tools with the names of their secrets only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from crewloom.agents.schemas import AgentIn
from crewloom.crews.schemas import CrewIn
from crewloom.engine.graph import Graph
from crewloom.engine.nodes import Reference
from crewloom.engine.validation import parse_config
from crewloom.kit.resources import ResourceFields
from crewloom.llm.schemas import ProviderSettings
from crewloom.models import Agent, Crew, LlmProvider, Tool
from crewloom.tools.configs import ToolType
from crewloom.tools.schemas import SecretName

Kind = Literal["provider", "agent", "crew", "tool"]
Problems = list[dict[str, str]]

_Ref = Field(description="The object's id in the workspace it was exported from")


class ProviderDoc(ResourceFields, ProviderSettings):
    model_config = ConfigDict(extra="forbid")

    ref: uuid.UUID = _Ref


class ToolDoc(ResourceFields):
    model_config = ConfigDict(extra="forbid")

    ref: uuid.UUID = _Ref
    type: ToolType
    config: dict[str, Any] = Field(default_factory=dict)
    secret_names: list[SecretName] = Field(
        default_factory=list, max_length=50, description="The secrets the tool needs; never their values"
    )


class AgentDoc(AgentIn):
    model_config = ConfigDict(extra="forbid")

    ref: uuid.UUID = _Ref


class CrewDoc(CrewIn):
    model_config = ConfigDict(extra="forbid")

    ref: uuid.UUID = _Ref


class FlowPart(ResourceFields):
    model_config = ConfigDict(extra="forbid")

    graph: Graph


class FlowDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["crewloom.flow"] = "crewloom.flow"
    format_version: Literal[1] = 1
    flow: FlowPart
    providers: list[ProviderDoc] = Field(default_factory=list, max_length=100)
    agents: list[AgentDoc] = Field(default_factory=list, max_length=500)
    crews: list[CrewDoc] = Field(default_factory=list, max_length=200)
    tools: list[ToolDoc] = Field(default_factory=list, max_length=200)


def _columns(row: object, schema: type[BaseModel]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in schema.model_fields if name != "ref" and hasattr(row, name)}


def provider_doc(provider: LlmProvider) -> ProviderDoc:
    return ProviderDoc.model_validate({**_columns(provider, ProviderDoc), "ref": provider.id})


def tool_doc(tool: Tool) -> ToolDoc:
    return ToolDoc.model_validate({**_columns(tool, ToolDoc), "ref": tool.id})


def agent_doc(agent: Agent) -> AgentDoc:
    return AgentDoc.model_validate({**_columns(agent, AgentDoc), "ref": agent.id})


def crew_doc(crew: Crew) -> CrewDoc:
    return CrewDoc.model_validate({**_columns(crew, CrewDoc), "ref": crew.id})


def graph_references(graph: Graph) -> list[tuple[int, Reference]]:
    """The objects the graph's valid node configs name, with the position of each node."""
    return [
        (position, reference)
        for position, node in enumerate(graph.nodes)
        if (config := parse_config(node)) is not None
        for reference in config.references()
    ]


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": f"document.{field}", "message": message}


def _unique(kind: str, refs: Iterable[uuid.UUID]) -> Problems:
    seen: set[uuid.UUID] = set()
    problems: Problems = []
    for position, ref in enumerate(refs):
        if ref in seen:
            problems.append(_problem(f"{kind}.{position}.ref", f"{ref} is listed twice"))
        seen.add(ref)
    return problems


def _missing(field: str, label: str, ids: Iterable[uuid.UUID | None], known: set[uuid.UUID]) -> Problems:
    return [
        _problem(field, f"names {label} {value}, which the document does not include")
        for value in ids
        if value is not None and value not in known
    ]


def document_problems(document: FlowDocument) -> Problems:
    """Every reference inside the document that does not resolve to an object the document carries."""
    refs: dict[str, set[uuid.UUID]] = {
        "provider": {item.ref for item in document.providers},
        "agent": {item.ref for item in document.agents},
        "crew": {item.ref for item in document.crews},
        "tool": {item.ref for item in document.tools},
    }
    problems = _unique("providers", (item.ref for item in document.providers))
    problems += _unique("agents", (item.ref for item in document.agents))
    problems += _unique("crews", (item.ref for item in document.crews))
    problems += _unique("tools", (item.ref for item in document.tools))
    for position, agent in enumerate(document.agents):
        where = f"agents.{position}"
        problems += _missing(f"{where}.provider_id", "provider", [agent.provider_id], refs["provider"])
        for index, tool_id in enumerate(agent.tool_ids):
            problems += _missing(f"{where}.tool_ids.{index}", "tool", [tool_id], refs["tool"])
    for position, crew in enumerate(document.crews):
        where = f"crews.{position}"
        for index, agent_id in enumerate(crew.agent_ids):
            problems += _missing(f"{where}.agent_ids.{index}", "agent", [agent_id], refs["agent"])
        for index, task in enumerate(crew.tasks):
            problems += _missing(f"{where}.tasks.{index}.agent_id", "agent", [task.agent_id], refs["agent"])
        problems += _missing(f"{where}.manager_agent_id", "agent", [crew.manager_agent_id], refs["agent"])
        problems += _missing(f"{where}.manager_provider_id", "provider", [crew.manager_provider_id], refs["provider"])
    for position, reference in graph_references(document.flow.graph):
        field = f"flow.graph.nodes.{position}.config.{reference.field}"
        problems += _missing(field, reference.kind, [reference.id], refs[reference.kind])
    return problems


IdMap = dict[str, dict[uuid.UUID, uuid.UUID]]


def rewrite_graph(graph: Graph, ids: IdMap) -> Graph:
    """The graph with every object id replaced by its id in the importing workspace."""
    nodes = [node.model_copy(update={"config": dict(node.config)}) for node in graph.nodes]
    for position, reference in graph_references(graph):
        nodes[position].config[reference.field] = str(ids[reference.kind][reference.id])
    return graph.model_copy(update={"nodes": nodes})
