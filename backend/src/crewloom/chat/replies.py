"""A reply from accepted to stored: what it calls (a model, or an execution of a flow or crew), produced in
the background by the hub, and its outcome stored on the assistant message and announced on the session's
channel: the reply with its usage and steps, the partial reply when stopped, or an error message with a
clear reason that can be retried."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from crewloom.auth.principal import Principal
from crewloom.chat.hub import ChatHub, Frame
from crewloom.chat.repository import ChatRepository
from crewloom.chat.schemas import MessageOut
from crewloom.db.engine import Database
from crewloom.db.session import unit_of_work
from crewloom.kit.encryption import Sealed
from crewloom.llm import gateway
from crewloom.models import LlmUsage
from crewloom.models.base import utcnow
from crewloom.observability.metrics import llm_usage_recorded


@dataclass(frozen=True)
class ModelCall:
    """The provider as stored (its key still sealed) and what to send it."""

    provider_id: uuid.UUID
    provider_type: gateway.ProviderType
    base_url: str | None
    options: dict[str, Any]
    sealed_key: Sealed | None
    model: str
    messages: Sequence[gateway.ChatMessage]


@dataclass(frozen=True)
class ExecutionCall:
    """An execution queued for the reply; ``principal`` is who sent the message, who may cancel it."""

    kind: Literal["agent", "flow", "crew"]
    execution_id: uuid.UUID
    principal: Principal


@dataclass(frozen=True)
class PreparedReply:
    """A reply accepted and committed, ready to be produced: ``frames`` announce its stored messages."""

    schema: str
    tenant_id: uuid.UUID
    session_id: uuid.UUID
    message_id: uuid.UUID
    call: ModelCall | ExecutionCall
    frames: list[Frame]


@dataclass(frozen=True)
class Outcome:
    changes: dict[str, Any]
    usage: LlmUsage | None = None


@dataclass
class Progress:
    """What a reply streamed so far: kept when it is stopped."""

    parts: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def failure(reason: str, progress: Progress | None = None, usage: LlmUsage | None = None) -> Outcome:
    text = reason[:1].upper() + reason[1:]
    changes: dict[str, Any] = {"role": "error", "status": "failed", "content": text, "error": text, "retryable": True}
    if progress is not None:
        changes["steps"] = progress.steps
    return Outcome(changes, usage)


def message_frame(kind: str, message: MessageOut) -> Frame:
    return {"type": kind, "message": message.model_dump(mode="json")}


class ReplyChannel:
    """Where a reply being produced reports: its frames to the session's sockets, its outcome to the database."""

    def __init__(self, database: Database, hub: ChatHub, prepared: PreparedReply) -> None:
        self._database = database
        self._hub = hub
        self.prepared = prepared
        self.progress = Progress()

    async def token(self, text: str, **extra: Any) -> None:
        self.progress.parts.append(text)
        await self._hub.publish(
            self.prepared.session_id,
            {"type": "token", "message_id": str(self.prepared.message_id), "text": text, **extra},
        )

    async def step(self, kind: str, **fields: Any) -> None:
        step = {"kind": kind, **fields}
        self.progress.steps.append(step)
        await self._hub.publish(
            self.prepared.session_id, {"type": "step", "message_id": str(self.prepared.message_id), **step}
        )

    async def store(self, outcome: Outcome) -> None:
        prepared = self.prepared
        async with unit_of_work(self._database, prepared.schema) as session:
            repository = ChatRepository(session)
            message = await repository.update_message(prepared.message_id, {**outcome.changes, "finished_at": utcnow()})
            if message is None:
                # Deleted with its session while the reply was being written.
                return
            (await repository.get_session(prepared.session_id)).updated_at = utcnow()
            if outcome.usage is not None:
                await repository.add(outcome.usage)
                llm_usage_recorded(prepared.tenant_id, outcome.usage)
            stored = MessageOut.model_validate(message)
        kind = "error" if stored.role == "error" else "done"
        await self._hub.publish(prepared.session_id, message_frame(kind, stored))


async def until_stopped(work: asyncio.Task[Any], stop: asyncio.Event, timeout_seconds: float) -> bool:
    """Wait for ``work`` until ``stop`` is set (then cancel it and answer False) or the time runs out
    (cancel it and raise TimeoutError); True once it is done."""
    stopping = asyncio.create_task(stop.wait())
    try:
        async with asyncio.timeout(timeout_seconds):
            await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not work.done():
            work.cancel()
            await asyncio.wait({work})
    return not work.cancelled()
