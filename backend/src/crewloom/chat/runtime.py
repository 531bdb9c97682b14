"""What chat holds per API process (the session channels and the replies in progress), and following
one reply over Server-Sent Events for clients without a WebSocket."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.requests import HTTPConnection

from crewloom.chat.hub import ChatHub, Frame, FrameStream
from crewloom.chat.model_reply import ModelReply
from crewloom.chat.relay import ExecutionRelay
from crewloom.chat.replies import ModelCall, PreparedReply, ReplyChannel
from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.events import HEARTBEAT_FRAME, EventBus
from crewloom.kit.keyring import KeyRingSource
from crewloom.queue import Dispatcher

# The frames that end a reply.
FINAL_TYPES = frozenset({"done", "error"})


@dataclass(frozen=True)
class ChatRuntime:
    database: Database
    settings: Settings
    hub: ChatHub
    keyrings: KeyRingSource
    bus: EventBus
    dispatcher: Dispatcher

    async def launch(self, prepared: PreparedReply) -> None:
        """Announce the stored messages on the session's channel, then produce the reply in the background."""
        for frame in prepared.frames:
            await self.hub.publish(prepared.session_id, frame)
        channel = ReplyChannel(self.database, self.hub, prepared)
        self.hub.run(prepared.session_id, lambda stop: self._produce(channel, stop))

    async def _produce(self, channel: ReplyChannel, stop: asyncio.Event) -> None:
        call = channel.prepared.call
        timeout = self.settings.chat_reply_timeout_seconds
        if isinstance(call, ModelCall):
            outcome = await ModelReply(self.keyrings.current(), timeout).outcome(channel, call, stop)
        else:
            relay = ExecutionRelay(
                self.database,
                self.bus,
                self.dispatcher,
                timeout_seconds=timeout,
                heartbeat=self.settings.sse_heartbeat_seconds,
            )
            outcome = await relay.outcome(channel, call, stop)
        await channel.store(outcome)


@asynccontextmanager
async def chat_runtime(app: FastAPI) -> AsyncIterator[None]:
    """Started within the application's own lifespan, which provides the database, the bus and the dispatcher."""
    state = app.state
    hub = ChatHub(state.settings.redis_url)
    state.chat = ChatRuntime(
        state.database, state.settings, hub, KeyRingSource(state.settings), state.bus, state.dispatcher
    )
    try:
        yield
    finally:
        await hub.close()


def get_runtime(connection: HTTPConnection) -> ChatRuntime:
    runtime: ChatRuntime = connection.app.state.chat
    return runtime


def _sse(frame: Frame) -> str:
    return f"event: {frame['type']}\ndata: {json.dumps(frame, ensure_ascii=False, default=str)}\n\n"


def ends(frame: Frame, message_id: uuid.UUID) -> bool:
    return frame["type"] in FINAL_TYPES and frame["message"]["id"] == str(message_id)


async def follow_reply(runtime: ChatRuntime, prepared: PreparedReply) -> tuple[AsyncIterator[str], AsyncExitStack]:
    """Subscribe, then launch the reply (so that none of its frames goes by), and its frames as SSE until
    it ends. The stack closes the subscription: the caller closes it too, should the stream never start."""
    stack = AsyncExitStack()
    frames = await stack.enter_async_context(runtime.hub.subscribe(prepared.session_id))
    await runtime.launch(prepared)
    return _frames_until_done(frames, prepared.message_id, runtime.settings.sse_heartbeat_seconds, stack), stack


async def _frames_until_done(
    frames: FrameStream, message_id: uuid.UUID, heartbeat_seconds: float, stack: AsyncExitStack
) -> AsyncIterator[str]:
    try:
        while True:
            frame = await frames.next(heartbeat_seconds)
            if frame is None:
                yield HEARTBEAT_FRAME
                continue
            yield _sse(frame)
            if ends(frame, message_id):
                return
    finally:
        await stack.aclose()
