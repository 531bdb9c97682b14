"""Request and response bodies of the chat API, and the frames of its WebSocket."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, field_validator

MessageRole = Literal["user", "assistant", "error"]
MessageStatus = Literal["complete", "streaming", "stopped", "failed"]
# A message may be long, but a socket frame or a request body must stay well under the body limit.
MAX_MESSAGE_CHARS = 100_000


class ModelTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["model"] = "model"
    provider_id: uuid.UUID
    model: str | None = Field(
        default=None, min_length=1, max_length=200, description="The provider's default model when omitted"
    )


class AgentTarget(BaseModel):
    """The agent is given the conversation so far and the message as its task; its answer is the reply."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["agent"]
    agent_id: uuid.UUID


class FlowTarget(BaseModel):
    """The message fills the first text field of the flow's input (a field named ``history`` receives the
    conversation so far); the flow's output is the reply."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["flow"]
    flow_id: uuid.UUID


class CrewTarget(BaseModel):
    """The message fills the crew's first ``{placeholder}`` (``{history}`` receives the conversation so far);
    the crew's final output is the reply."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["crew"]
    crew_id: uuid.UUID


def _target_kind(value: Any) -> str:
    # The kind may be left out for the most common target, a model.
    if isinstance(value, dict):
        return str(value.get("kind", "model"))
    return str(getattr(value, "kind", "model"))


Target = Annotated[
    Annotated[ModelTarget, Tag("model")]
    | Annotated[AgentTarget, Tag("agent")]
    | Annotated[FlowTarget, Tag("flow")]
    | Annotated[CrewTarget, Tag("crew")],
    Discriminator(_target_kind),
]


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: Target
    title: str = Field(default="", max_length=200, description="Taken from the first message when left empty")
    memory_tokens: int | None = Field(
        default=None,
        ge=50,
        le=1_000_000,
        description="How much of the conversation (estimated tokens) the target receives with each message",
    )

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())


class SessionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)

    @field_validator("title")
    @classmethod
    def _visible(cls, value: str) -> str:
        title = " ".join(value.split())
        if not title:
            raise ValueError("must be visible text")
        return title


class SessionOut(BaseModel):
    id: uuid.UUID
    title: str
    target: Target | None = Field(description="None once the target was deleted")
    memory_tokens: int
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    session_id: uuid.UUID
    role: MessageRole
    status: MessageStatus
    content: str
    reply_to: uuid.UUID | None
    error: str | None
    retryable: bool
    tokens_in: int
    tokens_out: int
    cost: float | None
    steps: list[dict[str, Any]]
    details: dict[str, Any]
    created_by: uuid.UUID | None
    created_at: datetime
    finished_at: datetime | None


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)

    @field_validator("content")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class RetryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message_id: uuid.UUID = Field(description="The error message whose user message is to be answered again")


class AuthFrame(BaseModel):
    type: Literal["auth"]
    token: str = Field(min_length=1, max_length=4096)


class SendFrame(SendIn):
    type: Literal["send"]


class StopFrame(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["stop"]


class RetryFrame(RetryIn):
    type: Literal["retry"]


ClientFrame = Annotated[SendFrame | StopFrame | RetryFrame, Field(discriminator="type")]
CLIENT_FRAME: TypeAdapter[SendFrame | StopFrame | RetryFrame] = TypeAdapter(ClientFrame)
