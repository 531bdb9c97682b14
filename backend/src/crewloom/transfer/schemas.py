"""Request and response bodies of the transfer domain (the flow document itself is in flow_document.py)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crewloom.engine.problems import Problem
from crewloom.tools.schemas import SecretName, SecretValue
from crewloom.transfer.flow_document import FlowDocument


class ImportMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    providers: dict[uuid.UUID, uuid.UUID] = Field(
        default_factory=dict, max_length=100, description="Provider ref of the document -> a provider of this workspace"
    )


class FlowImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: FlowDocument
    mapping: ImportMapping = Field(default_factory=ImportMapping)
    secrets: dict[uuid.UUID, dict[SecretName, SecretValue]] = Field(
        default_factory=dict,
        max_length=200,
        description="Write-only: tool ref -> that tool's secrets, stored encrypted (documents never carry them)",
    )


class CreatedObject(BaseModel):
    ref: uuid.UUID = Field(description="The id in the exported document")
    id: uuid.UUID = Field(description="The id in this workspace")
    name: str


class CreatedProvider(CreatedObject):
    has_api_key: bool = Field(default=False, description="Always false: set the key on the provider")


class CreatedTool(CreatedObject):
    missing_secrets: list[str] = Field(description="Secrets the tool needs; set them on the tool")


MappedBy = Literal["mapping", "name_and_type"]


class MappedProvider(CreatedObject):
    by: MappedBy = Field(description="How the provider was chosen")


class CreatedObjects(BaseModel):
    providers: list[CreatedProvider] = Field(default_factory=list)
    tools: list[CreatedTool] = Field(default_factory=list)
    agents: list[CreatedObject] = Field(default_factory=list)
    crews: list[CreatedObject] = Field(default_factory=list)


class MappedObjects(BaseModel):
    providers: list[MappedProvider] = Field(default_factory=list)


class FlowImported(BaseModel):
    flow_id: uuid.UUID
    version: int = Field(description="The saved version: 1")
    created: CreatedObjects
    mapped: MappedObjects
    problems: list[Problem] = Field(description="What keeps the imported graph from being published")


class CrewImported(BaseModel):
    crew_id: uuid.UUID
    flow_id: uuid.UUID
    agent_ids: list[uuid.UUID]
    inputs: list[str] = Field(description="The crew's placeholders, asked for by the flow's input node")
    provider_id: uuid.UUID = Field(description="The provider of agents whose llm names no provider of this workspace")
