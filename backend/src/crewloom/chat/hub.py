"""How every socket on a chat session sees each reply, whichever process produces it: a channel per
session (Redis pub/sub when Redis is configured, memory in a single process), and the stop switches of
the replies this process is producing."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

Frame = dict[str, Any]
_CHANNEL = "crewloom:chat:{session_id}"
_STOP_CHANNEL = "crewloom:chat:{session_id}:stop"


class FrameStream(Protocol):
    # A poll, not a deadline on the caller: a quiet channel is an answer (None), not an error.
    async def next(self, timeout: float) -> Frame | None:  # noqa: ASYNC109
        """The next frame published on the session, or None when none came within ``timeout`` seconds."""
        ...


class _QueueStream:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[Frame] = asyncio.Queue()

    async def next(self, timeout: float) -> Frame | None:  # noqa: ASYNC109
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class _PubSubStream:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def next(self, timeout: float) -> Frame | None:  # noqa: ASYNC109
        deadline = asyncio.get_running_loop().time() + timeout
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            except RedisError:
                logger.warning("the chat channel is unreachable; retrying")
                await asyncio.sleep(min(left, 1.0))
                continue
            if message is not None:
                frame: Frame = json.loads(message["data"])
                return frame
        return None


class ChatHub:
    """One per API process. ``run`` produces a reply in the background, so that it goes on (and is
    stored) when the socket that asked for it closes; ``stop`` reaches it in whichever process runs it."""

    def __init__(self, redis_url: str | None) -> None:
        self._redis: Redis | None = Redis.from_url(redis_url) if redis_url else None
        self._local: dict[uuid.UUID, set[_QueueStream]] = {}
        self._stops: dict[uuid.UUID, asyncio.Event] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def publish(self, session_id: uuid.UUID, frame: Frame) -> None:
        """Best effort: a frame lost while Redis is away is recovered from the stored messages."""
        if self._redis is None:
            for stream in self._local.get(session_id, ()):
                stream.queue.put_nowait(frame)
            return
        try:
            await self._redis.publish(_CHANNEL.format(session_id=session_id), json.dumps(frame, default=str))
        except RedisError:
            logger.warning("could not publish a chat frame of session %s", session_id)

    @asynccontextmanager
    async def subscribe(self, session_id: uuid.UUID) -> AsyncIterator[FrameStream]:
        """Every frame published on the session from now on, until the block ends."""
        if self._redis is None:
            stream = _QueueStream()
            self._local.setdefault(session_id, set()).add(stream)
            try:
                yield stream
            finally:
                subscribers = self._local[session_id]
                subscribers.discard(stream)
                if not subscribers:
                    del self._local[session_id]
            return
        async with self._redis.pubsub() as pubsub:
            await pubsub.subscribe(_CHANNEL.format(session_id=session_id))
            yield _PubSubStream(pubsub)

    def run(self, session_id: uuid.UUID, reply: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        """Produce a reply in the background; ``reply`` gets the event that asks it to stop."""
        stop = asyncio.Event()
        self._stops[session_id] = stop
        task = asyncio.create_task(self._produce(session_id, stop, reply))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _produce(
        self, session_id: uuid.UUID, stop: asyncio.Event, reply: Callable[[asyncio.Event], Awaitable[None]]
    ) -> None:
        watcher = asyncio.create_task(self._watch_stop(session_id, stop)) if self._redis is not None else None
        try:
            await reply(stop)
        except Exception:
            logger.exception("a chat reply of session %s failed", session_id)
        finally:
            if watcher is not None:
                watcher.cancel()
                with suppress(asyncio.CancelledError):
                    await watcher
            if self._stops.get(session_id) is stop:
                del self._stops[session_id]

    async def _watch_stop(self, session_id: uuid.UUID, stop: asyncio.Event) -> None:
        assert self._redis is not None
        try:
            async with self._redis.pubsub() as pubsub:
                await pubsub.subscribe(_STOP_CHANNEL.format(session_id=session_id))
                while not stop.is_set():
                    if await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0) is not None:
                        stop.set()
        except RedisError:
            logger.warning("stop requests for session %s cannot arrive from other processes", session_id)

    async def stop(self, session_id: uuid.UUID) -> None:
        """Ask the reply being produced on the session to stop, here or in another process."""
        local = self._stops.get(session_id)
        if local is not None:
            local.set()
            return
        if self._redis is not None:
            try:
                await self._redis.publish(_STOP_CHANNEL.format(session_id=session_id), "stop")
            except RedisError:
                logger.warning("could not ask another process to stop the reply of session %s", session_id)

    async def close(self) -> None:
        for stop in self._stops.values():
            stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._redis is not None:
            await self._redis.aclose()
