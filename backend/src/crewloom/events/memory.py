"""The bus of a single process, for ``crewloom up`` without Redis: executions run where they are followed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection, Mapping, Sequence

from crewloom.events.feed import Feeds, FeedSubscription
from crewloom.events.record import StoredEvent


class MemoryEventBus:
    """Keeps the last ``max_length`` events of each execution, until ``ttl_seconds`` after it ends."""

    def __init__(self, *, max_length: int, ttl_seconds: float) -> None:
        self._feeds = Feeds(max_length)
        self._ttl_seconds = ttl_seconds
        self._expiries: dict[uuid.UUID, asyncio.TimerHandle] = {}

    async def publish(self, execution_id: uuid.UUID, events: Sequence[StoredEvent]) -> None:
        feed = self._feeds.ensure(execution_id)
        feed.held = True
        feed.add(events)

    async def publish_many(
        self, batches: Mapping[uuid.UUID, Sequence[StoredEvent]], *, finished: Collection[uuid.UUID] = ()
    ) -> None:
        for execution_id, events in batches.items():
            await self.publish(execution_id, events)
        for execution_id in finished:
            await self.finish(execution_id)

    async def finish(self, execution_id: uuid.UUID) -> None:
        previous = self._expiries.pop(execution_id, None)
        if previous is not None:
            previous.cancel()
        loop = asyncio.get_running_loop()
        self._expiries[execution_id] = loop.call_later(self._ttl_seconds, self._expire, execution_id)

    def _expire(self, execution_id: uuid.UUID) -> None:
        self._expiries.pop(execution_id, None)
        feed = self._feeds.get(execution_id)
        if feed is None:
            return
        feed.held = False
        feed.clear()
        self._feeds.discard_if_unused(execution_id)

    def subscribe(self, execution_id: uuid.UUID) -> FeedSubscription:
        return FeedSubscription(self._feeds, execution_id)

    def wake_followers(self) -> None:
        self._feeds.wake_all()

    async def close(self) -> None:
        for expiry in self._expiries.values():
            expiry.cancel()
        self._expiries.clear()
        self._feeds.clear()
