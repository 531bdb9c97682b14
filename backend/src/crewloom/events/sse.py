"""Following an execution over Server-Sent Events: the log in PostgreSQL first, then the bus, every
event exactly once and in id order, until the terminal event."""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable

from crewloom.engine.runtime.events import TERMINAL_TYPES
from crewloom.errors import BadRequest
from crewloom.events.bus import EventBus, Subscription
from crewloom.events.record import StoredEvent
from crewloom.kit.shutdown import ShutdownNotice

SSE_MEDIA_TYPE = "text/event-stream"
# Proxies must pass each frame on as it comes; X-Accel-Buffering is nginx's switch for that.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
HEARTBEAT_FRAME = ": heartbeat\n\n"
# Event ids are PostgreSQL bigints.
_EVENT_ID = re.compile(r"[0-9]{1,19}")
_MAX_EVENT_ID = 2**63 - 1
# A quiet bus has the log asked ever less often, up to this many times poll_seconds: hundreds of followers of
# queued or idle executions must not each query PostgreSQL every second.
_QUIET_BACKOFF_LIMIT = 4
# How long EventSource waits before reconnecting when a stopping server ends its stream, in milliseconds;
# spread so that the followers of one replica do not all come back to the others at the same moment.
_RECONNECT_MILLISECONDS = (500, 3000)

LoadAfter = Callable[[int], Awaitable[list[StoredEvent]]]


def parse_last_event_id(header: str | None, query: str | None) -> int:
    """Where a follower resumes: the Last-Event-ID header, else the ``last_event_id`` query parameter, else 0."""
    for name, value in (("Last-Event-ID", header), ("last_event_id", query)):
        text = (value or "").strip()
        if not text:
            continue
        if not _EVENT_ID.fullmatch(text) or int(text) > _MAX_EVENT_ID:
            raise BadRequest(f"{name} must be the id of an event, a whole number from 0 up; got {text[:40]!r}")
        return int(text)
    return 0


class _Follower:
    def __init__(
        self,
        load_after: LoadAfter,
        after: int,
        *,
        heartbeat_seconds: float,
        poll_seconds: float,
        stopping: ShutdownNotice | None,
    ) -> None:
        self._load_after = load_after
        self._stopping = stopping
        self._heartbeat_seconds = heartbeat_seconds
        self._poll_seconds = poll_seconds
        self._poll_interval = poll_seconds
        self.last = after
        self.ended = False
        self._framed_at = time.monotonic()
        # When either source last had something new; the log is asked again once this is poll_seconds old.
        self._checked_at = time.monotonic()

    def _chunk(self, events: Iterable[StoredEvent]) -> str:
        """The frames of the events not sent yet, as one chunk: a socket write per batch, not per event."""
        frames = []
        for event in events:
            if self.ended:
                break
            if event.id <= self.last:
                continue
            frames.append(event.sse_frame())
            self.last = event.id
            self.ended = event.type in TERMINAL_TYPES
        if frames:
            self._framed_at = time.monotonic()
        return "".join(frames)

    async def _log_page(self, after: int) -> str:
        self._checked_at = time.monotonic()
        return self._chunk(await self._load_after(after))

    def _polled(self, found: bool) -> None:
        """The next quiet-bus read of the log: soon after news, later after each read that found nothing,
        spread at random so that followers who started together do not ask together."""
        if found:
            self._poll_interval = self._poll_seconds
        else:
            self._poll_interval = min(self._poll_interval * 2, self._poll_seconds * _QUIET_BACKOFF_LIMIT)
        self._checked_at += self._poll_interval * random.uniform(-0.25, 0.25)  # noqa: S311 (spreading, not secrecy)

    async def from_log(self, until: int | None = None) -> AsyncIterator[str]:
        """Pages of the log from where the follower stands until nothing is newer, or ``until`` is reached."""
        while not self.ended and (until is None or self.last < until):
            chunk = await self._log_page(self.last)
            if not chunk:
                return
            yield chunk

    async def catch_up(self) -> AsyncIterator[str]:
        """The first page starts one event early, which tells whether the client already holds the terminal
        event: EventSource reconnects by itself when a stream ends."""
        if self.last == 0:
            first = await self._log_page(0)
        else:
            page = await self._load_after(self.last - 1)
            if page and page[0].id == self.last and page[0].type in TERMINAL_TYPES:
                self.ended = True
                return
            first = self._chunk(page)
        if first:
            yield first
            async for chunk in self.from_log():
                yield chunk

    async def live(self, subscription: Subscription) -> AsyncIterator[str]:
        while not self.ended:
            if self._stopping is not None and self._stopping.begun:
                # The client resumes after the last event it received, on this replica or another.
                yield reconnect_frame()
                return
            now = time.monotonic()
            wait = min(self._checked_at + self._poll_interval, self._framed_at + self._heartbeat_seconds) - now
            events = await subscription.next(self.last, max(wait, 0.0))
            if events:
                self._checked_at = time.monotonic()
                self._poll_interval = self._poll_seconds
                if events[0].id > self.last + 1:
                    # The bus lacks some (trimmed, or their publish failed): the log has them all.
                    async for chunk in self.from_log(until=events[0].id - 1):
                        yield chunk
                chunk = self._chunk(events)
                if chunk:
                    yield chunk
            elif time.monotonic() >= self._checked_at + self._poll_interval:
                # Quiet bus: it may be unreachable, or the event came from a process that does not publish.
                found = False
                async for chunk in self.from_log():
                    found = True
                    yield chunk
                self._polled(found)
            if not self.ended and time.monotonic() >= self._framed_at + self._heartbeat_seconds:
                self._framed_at = time.monotonic()
                yield HEARTBEAT_FRAME


async def follow(
    execution_id: uuid.UUID,
    after: int,
    *,
    load_after: LoadAfter,
    bus: EventBus,
    heartbeat_seconds: float,
    poll_seconds: float = 1.0,
    stopping: ShutdownNotice | None = None,
) -> AsyncGenerator[str]:
    """The SSE frames of an execution's events with ids above ``after``, ending with its terminal event; each
    chunk holds the frames of the events that arrived together, or a heartbeat. Once ``stopping`` begins, the
    stream ends with the reconnect frame at its next look (``bus.wake_followers()`` makes that at once), rather than
    holding the stopping server until its deadline.

    ``load_after(last)`` reads the log: events with an id above ``last`` in order, a page at a time; it
    opens its own short database session, since a follower may stay for hours."""
    if heartbeat_seconds <= 0 or poll_seconds <= 0:
        raise ValueError("heartbeat_seconds and poll_seconds must be positive")
    follower = _Follower(
        load_after, after, heartbeat_seconds=heartbeat_seconds, poll_seconds=poll_seconds, stopping=stopping
    )
    # Subscribed before reading the log, so that nothing published in between goes by unseen.
    async with bus.subscribe(execution_id) as subscription:
        async for chunk in follower.catch_up():
            yield chunk
        async for chunk in follower.live(subscription):
            yield chunk
    if follower.ended:
        # The other followers of this execution were woken with this one: their last chunks go out before the
        # work of closing this stream, not after it.
        await asyncio.sleep(0)


def reconnect_frame() -> str:
    """The last frame of a stream that a stopping server ends: a comment saying so, and the delay after which
    EventSource reconnects (by itself, with Last-Event-ID, so another replica resumes where this one ended)."""
    delay = random.randint(*_RECONNECT_MILLISECONDS)  # noqa: S311 (spreading, not secrecy)
    return f": reconnect: the server is restarting; resume with Last-Event-ID\nretry: {delay}\n\n"
