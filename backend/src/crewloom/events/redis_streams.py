"""The bus on Redis Streams, for API and worker processes on any number of machines.

Each execution has a stream whose entry ids are ``0-<event id>``, so a reader resumes exactly where it
stands. One reader per process follows every stream its subscribers want on a single connection and
fans the events out in memory: a thousand followers cost one connection, not a thousand."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.typing import KeyT, StreamIdT

from crewloom.events.bus import BusUnavailable
from crewloom.events.feed import Feed, Feeds, FeedSubscription
from crewloom.events.record import StoredEvent

logger = logging.getLogger(__name__)

STREAM_PREFIX = "crewloom:events:"
READER_CLIENT_NAME = "crewloom-events-reader"
COMMANDS_CLIENT_NAME = "crewloom-events"
# Short, so that a worker whose Redis is gone moves on at once: the log in PostgreSQL has the events.
_CONNECT_TIMEOUT_SECONDS = 1.0
_COMMAND_TIMEOUT_SECONDS = 2.0
_BLOCK_SECONDS = 5.0
_READ_COUNT = 500
# Events of one execution kept in the process for its subscribers; one that falls further behind reads the log.
_LOCAL_BUFFER = 1000
# A stream nobody has written for this long belongs to an execution that ended without saying so.
_IDLE_EXPIRY_SECONDS = 24 * 3600
_RETRY_FIRST_SECONDS = 0.2
_RETRY_MAX_SECONDS = 5.0
_EVENT_FIELD = "event"


def stream_key(execution_id: uuid.UUID) -> str:
    return f"{STREAM_PREFIX}{execution_id}"


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError) as exc:
        raise BusUnavailable(f"Redis is unreachable: {exc}") from exc


def _already_held(result: Any) -> bool:
    """XADD refuses an id at or below the stream's last one: a late or repeated publish."""
    return isinstance(result, ResponseError) and "equal or smaller" in str(result)


def _sequence(entry_id: str) -> int:
    return int(entry_id.partition("-")[2])


class RedisEventBus:
    def __init__(self, url: str, *, max_length: int, ttl_seconds: int) -> None:
        self._max_length = max_length
        self._ttl_seconds = ttl_seconds
        # One immediate retry replaces a pooled connection that Redis closed; waiting between retries would
        # hold a failing publish for seconds, and the callers know better what to do meanwhile.
        common: dict[str, Any] = {
            "decode_responses": True,
            "socket_connect_timeout": _CONNECT_TIMEOUT_SECONDS,
            "retry": Retry(NoBackoff(), 1),
        }
        self._commands = Redis.from_url(
            url, socket_timeout=_COMMAND_TIMEOUT_SECONDS, client_name=COMMANDS_CLIENT_NAME, **common
        )
        self._reader = Redis.from_url(
            url,
            single_connection_client=True,
            socket_timeout=_BLOCK_SECONDS + _COMMAND_TIMEOUT_SECONDS,
            client_name=READER_CLIENT_NAME,
            **common,
        )
        self._feeds = Feeds(_LOCAL_BUFFER)
        # The reader also follows a stream of its own, written to when a feed joins during a blocking read.
        self._wake_key = f"{STREAM_PREFIX}wake:{uuid.uuid4()}"
        self._wake_cursor = "0-0"
        self._wake_wanted = False
        self._waker: asyncio.Task[None] | None = None
        self._feed_joined = asyncio.Event()
        # True while a read is out with the feeds known when it was sent.
        self._reading = False
        self._reader_task: asyncio.Task[None] | None = None

    async def publish(self, execution_id: uuid.UUID, events: Sequence[StoredEvent]) -> None:
        await self.publish_many({execution_id: events})

    async def publish_many(
        self, batches: Mapping[uuid.UUID, Sequence[StoredEvent]], *, finished: Collection[uuid.UUID] = ()
    ) -> None:
        batches = {execution_id: events for execution_id, events in batches.items() if events}
        if not (batches or finished):
            return
        with _reachable():
            async with self._commands.pipeline(transaction=True) as pipeline:
                for execution_id in batches.keys() | set(finished):
                    key = stream_key(execution_id)
                    for event in batches.get(execution_id, ()):
                        pipeline.xadd(
                            key,
                            {_EVENT_FIELD: event.to_json()},
                            id=f"0-{event.id}",
                            maxlen=self._max_length,
                            approximate=True,
                        )
                    pipeline.expire(key, self._ttl_seconds if execution_id in finished else _IDLE_EXPIRY_SECONDS)
                results = await pipeline.execute(raise_on_error=False)
        for result in results:
            if isinstance(result, Exception) and not _already_held(result):
                raise result

    async def finish(self, execution_id: uuid.UUID) -> None:
        with _reachable():
            await self._commands.expire(stream_key(execution_id), self._ttl_seconds)

    def subscribe(self, execution_id: uuid.UUID) -> FeedSubscription:
        return FeedSubscription(self._feeds, execution_id, on_first_read=self._feed_ready)

    def wake_followers(self) -> None:
        self._feeds.wake_all()

    async def close(self) -> None:
        tasks = [task for task in (self._reader_task, self._waker) if task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            # A read cut by a Redis restart can sit out the cancellation until its socket times out.
            await asyncio.wait(tasks, timeout=_COMMAND_TIMEOUT_SECONDS)
        self._reader_task = self._waker = None
        self._feeds.clear()
        try:
            await self._commands.delete(self._wake_key)
        except RedisError:
            logger.debug("could not delete %s; it expires by itself", self._wake_key)
        await self._reader.aclose()
        await self._commands.aclose()

    def _feed_ready(self) -> None:
        """A feed has its starting point: the reader takes it in now, even in the middle of a blocking read."""
        if self._reader_task is None or self._reader_task.done():
            self._reader_task = asyncio.create_task(self._read_forever(), name="event-bus-reader")
        self._feed_joined.set()
        if self._reading:
            self._wake_wanted = True
            if self._waker is None or self._waker.done():
                self._waker = asyncio.create_task(self._wake_reader(), name="event-bus-waker")

    async def _wake_reader(self) -> None:
        # One write at a time: feeds that join while it is out are taken in by the read it ends.
        while self._wake_wanted:
            self._wake_wanted = False
            try:
                async with self._commands.pipeline(transaction=False) as pipeline:
                    pipeline.xadd(self._wake_key, {"wake": "1"}, maxlen=1, approximate=False)
                    pipeline.expire(self._wake_key, _IDLE_EXPIRY_SECONDS)
                    await pipeline.execute()
            except RedisError:
                # The reader's read fails too, and it starts afresh with every feed once Redis is back.
                return

    async def _read_forever(self) -> None:
        retry_in = _RETRY_FIRST_SECONDS
        while True:
            wanted = {
                stream_key(execution_id): feed for execution_id, feed in self._feeds.items() if feed.cursor is not None
            }
            if not wanted:
                self._feed_joined.clear()
                await self._feed_joined.wait()
                continue
            streams: dict[KeyT, StreamIdT] = {key: f"0-{feed.cursor}" for key, feed in wanted.items()}
            streams[self._wake_key] = self._wake_cursor
            self._reading = True
            try:
                replies: Any = await self._reader.xread(streams, count=_READ_COUNT, block=int(_BLOCK_SECONDS * 1000))
            except RedisError as exc:
                if retry_in == _RETRY_FIRST_SECONDS:
                    logger.warning("the event bus lost Redis (%s); followers read the log until it is back", exc)
                await asyncio.sleep(retry_in)
                retry_in = min(retry_in * 2, _RETRY_MAX_SECONDS)
                continue
            finally:
                self._reading = False
            if retry_in > _RETRY_FIRST_SECONDS:
                logger.info("the event bus reaches Redis again")
                retry_in = _RETRY_FIRST_SECONDS
            self._deliver(wanted, replies or [])

    def _deliver(self, wanted: dict[str, Feed], replies: list[Any]) -> None:
        for key, entries in replies:
            if not entries:
                continue
            if key == self._wake_key:
                self._wake_cursor = entries[-1][0]
                continue
            feed = wanted.get(key)
            if feed is None:
                continue
            events = []
            for entry_id, fields in entries:
                feed.cursor = max(feed.cursor or 0, _sequence(entry_id))
                try:
                    events.append(StoredEvent.from_json(fields[_EVENT_FIELD]))
                except (KeyError, TypeError, ValueError):
                    logger.warning("skipping the unreadable entry %s of %s", entry_id, key)
            feed.add(events)
