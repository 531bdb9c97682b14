"""Request and response bodies of the agents domain."""

from __future__ import annotations

import uuid

from pydantic import Field, field_validator

from crewloom.kit.resources import ResourceFields, ResourceOut, VersionedUpdate


class AgentFields(ResourceFields):
    role: str = Field(min_length=1, max_length=2000)
    goal: str = Field(min_length=1, max_length=5000)
    backstory: str = Field(default="", max_length=20000)
    provider_id: uuid.UUID = Field(description="An LLM provider of this workspace")
    model: str = Field(min_length=1, max_length=200, description="The provider's model name, e.g. gpt-4o-mini")
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_iter: int = Field(default=20, ge=1, le=100, description="Most reasoning steps for one task")
    max_rpm: int | None = Field(default=None, ge=1, description="Most model requests per minute")
    max_execution_time: int | None = Field(default=None, ge=1, description="Seconds one task may take")
    allow_delegation: bool = False
    memory: bool = False
    tool_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50, description="Tools of this workspace")
    system_template: str | None = Field(default=None, max_length=20000)

    @field_validator("role", "goal", "model")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class AgentIn(AgentFields):
    pass


class AgentUpdate(AgentFields, VersionedUpdate):
    pass


class AgentOut(ResourceOut):
    role: str
    goal: str
    backstory: str
    provider_id: uuid.UUID
    model: str
    temperature: float | None
    max_iter: int
    max_rpm: int | None
    max_execution_time: int | None
    allow_delegation: bool
    memory: bool
    tool_ids: list[uuid.UUID]
    system_template: str | None
