"""Request and response bodies of the crews domain."""

from __future__ import annotations

import re
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from crewloom.kit.resources import ResourceFields, ResourceOut, VersionedUpdate

Process = Literal["sequential", "hierarchical"]
OutputFormat = Literal["text", "json"]
# The placeholders CrewAI fills in a task's description and expected output.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_\-]*)}")


class Task(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$", description="A slug, unique within the crew")
    description: str = Field(
        min_length=1, max_length=20000, description="What to do; {name} placeholders are the crew's inputs"
    )
    expected_output: str = Field(min_length=1, max_length=20000)
    agent_id: uuid.UUID | None = Field(
        default=None, description="One of the crew's agents; may be left to the manager in a hierarchical crew"
    )
    context: list[str] = Field(
        default_factory=list, max_length=100, description="Keys of other tasks whose output this task reads"
    )
    output_format: OutputFormat = "text"
    output_schema: dict[str, Any] | None = Field(default=None, description="JSON Schema of a json output")
    human_input: bool = Field(default=False, description="Ask a person to review the output before going on")

    @field_validator("description", "expected_output")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class CrewFields(ResourceFields):
    agent_ids: list[uuid.UUID] = Field(min_length=1, max_length=50, description="Agents of this workspace, in order")
    tasks: list[Task] = Field(min_length=1, max_length=100)
    process: Process = "sequential"
    manager_agent_id: uuid.UUID | None = Field(
        default=None, description="Hierarchical only: an agent of this workspace, not one of agent_ids"
    )
    manager_provider_id: uuid.UUID | None = Field(
        default=None, description="Hierarchical only: the provider of the manager model (with manager_model)"
    )
    manager_model: str | None = Field(default=None, min_length=1, max_length=200)
    planning: bool = False
    memory: bool = False

    @field_validator("manager_model")
    @classmethod
    def _model_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return None if value is None else value.strip()


class CrewIn(CrewFields):
    pass


class CrewUpdate(CrewFields, VersionedUpdate):
    pass


class CrewOut(ResourceOut):
    agent_ids: list[uuid.UUID]
    tasks: list[Task]
    process: Process
    manager_agent_id: uuid.UUID | None
    manager_provider_id: uuid.UUID | None
    manager_model: str | None
    planning: bool
    memory: bool

    @computed_field(description="The tasks' placeholder names, sorted: what a run of the crew must provide")
    def inputs(self) -> list[str]:
        texts = [text for task in self.tasks for text in (task.description, task.expected_output)]
        return sorted({name for text in texts for name in PLACEHOLDER.findall(text)})
