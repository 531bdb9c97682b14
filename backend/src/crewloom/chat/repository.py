"""Every query of the chat domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.errors import NotFound
from crewloom.kit.pagination import PageRequest, paginate
from crewloom.models import ChatMessage, ChatSession, LlmProvider, LlmUsage


class ChatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_session(self, session_id: uuid.UUID, *, lock: bool = False) -> ChatSession:
        """The chat session of this tenant, or 404; ``lock`` holds it until the transaction ends, so that
        two sends on one session take turns."""
        statement = select(ChatSession).where(ChatSession.id == session_id)
        if lock:
            statement = statement.with_for_update()
        found = (await self.session.execute(statement)).scalar_one_or_none()
        if found is None:
            raise NotFound(f"no chat session with id {session_id}")
        return found

    async def sessions(self, request: PageRequest) -> tuple[list[ChatSession], str | None]:
        return await paginate(
            self.session,
            select(ChatSession),
            request=request,
            sort=ChatSession.updated_at,
            tiebreak=ChatSession.id,
            descending=True,
        )

    async def add(self, row: ChatSession | ChatMessage | LlmUsage) -> None:
        self.session.add(row)
        await self.session.flush()

    async def delete_session(self, chat: ChatSession) -> None:
        await self.session.delete(chat)
        await self.session.flush()

    async def provider(self, provider_id: uuid.UUID | None) -> LlmProvider | None:
        return await self.session.get(LlmProvider, provider_id) if provider_id is not None else None

    async def message(self, session_id: uuid.UUID, message_id: uuid.UUID) -> ChatMessage:
        found = await self.session.get(ChatMessage, message_id)
        if found is None or found.session_id != session_id:
            raise NotFound(f"no message with id {message_id} in this chat session")
        return found

    async def messages(self, session_id: uuid.UUID, request: PageRequest) -> tuple[list[ChatMessage], str | None]:
        return await paginate(
            self.session,
            select(ChatMessage).where(ChatMessage.session_id == session_id),
            request=request,
            sort=ChatMessage.created_at,
            tiebreak=ChatMessage.id,
        )

    async def latest_messages(self, session_id: uuid.UUID, limit: int) -> list[ChatMessage]:
        """The newest ``limit`` messages, oldest first."""
        statement = (
            select(ChatMessage)
            .where(ChatMessage.session_id == session_id)
            .order_by(ChatMessage.created_at.desc(), ChatMessage.id.desc())
            .limit(limit)
        )
        return list(reversed((await self.session.execute(statement)).scalars().all()))

    async def conversation(self, session_id: uuid.UUID, until: datetime) -> list[ChatMessage]:
        """What the target may be given: the user messages and the kept replies up to ``until``, in order."""
        statement = (
            select(ChatMessage)
            .where(
                ChatMessage.session_id == session_id,
                ChatMessage.created_at <= until,
                ChatMessage.role.in_(("user", "assistant")),
                ChatMessage.status.in_(("complete", "stopped")),
                ChatMessage.content != "",
            )
            .order_by(ChatMessage.created_at, ChatMessage.id)
        )
        return list((await self.session.execute(statement)).scalars().all())

    async def streaming(self, session_id: uuid.UUID) -> list[ChatMessage]:
        statement = select(ChatMessage).where(ChatMessage.session_id == session_id, ChatMessage.status == "streaming")
        return list((await self.session.execute(statement)).scalars().all())

    async def update_message(self, message_id: uuid.UUID, changes: dict[str, Any]) -> ChatMessage | None:
        """Apply ``changes`` to a message, or None when it went with its session."""
        found = await self.session.get(ChatMessage, message_id)
        if found is None:
            return None
        for field, value in changes.items():
            setattr(found, field, value)
        await self.session.flush()
        return found
