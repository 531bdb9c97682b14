"""What one process holds of the executions it follows: a bounded feed per execution, shared by all
of that execution's subscribers, however many there are."""

from __future__ import annotations

import asyncio
import uuid
from bisect import bisect_right
from collections.abc import Callable, ItemsView, Iterable
from types import TracebackType
from typing import Self

from crewloom.events.record import StoredEvent


def _event_id(event: StoredEvent) -> int:
    return event.id


class Feed:
    """The latest events of one execution, in id order, and the wake-up of whoever waits for more."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._events: list[StoredEvent] = []
        self._arrived = asyncio.Event()
        self.subscribers = 0
        # The bus keeps these events even while nobody follows them (the memory bus, until they expire).
        self.held = False
        # The last id read from a remote stream; None until a subscriber says where it stands.
        self.cursor: int | None = None

    def add(self, events: Iterable[StoredEvent]) -> None:
        """Appends what is newer than the last event held; older ids were seen already."""
        last = self._events[-1].id if self._events else 0
        added = False
        for event in events:
            if event.id > last:
                self._events.append(event)
                last = event.id
                added = True
        if not added:
            return
        if len(self._events) > self._capacity:
            del self._events[: len(self._events) - self._capacity]
        self.wake()

    def wake(self) -> None:
        """Whoever waits for this feed looks again now, whether or not something arrived."""
        self._arrived.set()
        self._arrived = asyncio.Event()

    def after(self, after: int) -> list[StoredEvent]:
        return self._events[bisect_right(self._events, after, key=_event_id) :]

    async def wait_after(self, after: int, timeout: float) -> list[StoredEvent]:  # noqa: ASYNC109
        found = self.after(after)
        if found or timeout <= 0:
            return found
        arrived = self._arrived
        try:
            async with asyncio.timeout(timeout):
                await arrived.wait()
        except TimeoutError:
            return []
        return self.after(after)

    def clear(self) -> None:
        self._events.clear()


class Feeds:
    """The feeds of this process by execution. A feed lives while someone subscribes to it or the bus
    holds it."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._by_execution: dict[uuid.UUID, Feed] = {}

    def get(self, execution_id: uuid.UUID) -> Feed | None:
        return self._by_execution.get(execution_id)

    def items(self) -> ItemsView[uuid.UUID, Feed]:
        return self._by_execution.items()

    def ensure(self, execution_id: uuid.UUID) -> Feed:
        feed = self._by_execution.get(execution_id)
        if feed is None:
            feed = self._by_execution[execution_id] = Feed(self._capacity)
        return feed

    def discard_if_unused(self, execution_id: uuid.UUID) -> None:
        feed = self._by_execution.get(execution_id)
        if feed is not None and feed.subscribers == 0 and not feed.held:
            del self._by_execution[execution_id]

    def wake_all(self) -> None:
        for feed in self._by_execution.values():
            feed.wake()

    def clear(self) -> None:
        self._by_execution.clear()


class FeedSubscription:
    """A subscriber of one execution's feed; ``on_first_read`` lets the bus start filling the feed
    from where the first subscriber stands."""

    def __init__(
        self, feeds: Feeds, execution_id: uuid.UUID, *, on_first_read: Callable[[], None] | None = None
    ) -> None:
        self._feeds = feeds
        self._execution_id = execution_id
        self._on_first_read = on_first_read
        self._feed: Feed | None = None

    async def __aenter__(self) -> Self:
        self._feed = self._feeds.ensure(self._execution_id)
        self._feed.subscribers += 1
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._feed is not None:
            self._feed.subscribers -= 1
            self._feed = None
            self._feeds.discard_if_unused(self._execution_id)

    async def next(self, after: int, timeout: float) -> list[StoredEvent]:  # noqa: ASYNC109
        if self._feed is None:
            raise RuntimeError("enter the subscription (async with) before reading it")
        if self._feed.cursor is None:
            self._feed.cursor = after
            if self._on_first_read is not None:
                self._on_first_read()
        return await self._feed.wait_after(after, timeout)
