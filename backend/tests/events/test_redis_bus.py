"""What only the Redis Streams bus does: expiry, one reader connection for every follower, and going on
through a Redis that is unreachable or restarts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from crewloom.config import Settings
from crewloom.events import BusUnavailable, MemoryEventBus, RedisEventBus, create_bus
from crewloom.events.record import StoredEvent
from crewloom.events.redis_streams import COMMANDS_CLIENT_NAME, READER_CLIENT_NAME, STREAM_PREFIX
from tests.conftest import REDIS_URL
from tests.events.log import WAIT_SECONDS, EventLog, collect, event_ids, following, produce
from tests.private_redis import PrivateRedis, free_port, running_private_redis
from tests.waiting import eventually


@pytest.fixture
async def redis_bus() -> AsyncIterator[RedisEventBus]:
    bus = RedisEventBus(REDIS_URL, max_length=1000, ttl_seconds=30)
    yield bus
    await bus.close()


async def test_a_stream_lives_a_day_without_writes_and_ttl_seconds_once_finished(
    redis_bus: RedisEventBus, redis: Redis, log: EventLog, execution_id: uuid.UUID
) -> None:
    key = f"{STREAM_PREFIX}{execution_id}"
    await produce(log, redis_bus, execution_id, 5)
    assert await redis.xlen(key) == 5
    assert await redis.ttl(key) > 30
    await redis_bus.finish(execution_id)
    assert 0 < await redis.ttl(key) <= 30


async def test_a_stream_published_as_finished_lives_ttl_seconds(
    redis_bus: RedisEventBus, redis: Redis, log: EventLog, execution_id: uuid.UUID
) -> None:
    key = f"{STREAM_PREFIX}{execution_id}"
    other = uuid.uuid4()
    await redis_bus.publish_many(
        {execution_id: [log.append("run_succeeded")], other: [log.append("run_started")]}, finished={execution_id}
    )
    assert await redis.xlen(key) == 1
    assert 0 < await redis.ttl(key) <= 30
    assert await redis.ttl(f"{STREAM_PREFIX}{other}") > 30


async def test_stream_entries_carry_the_event_id(
    redis_bus: RedisEventBus, redis: Redis, log: EventLog, execution_id: uuid.UUID
) -> None:
    await produce(log, redis_bus, execution_id, 3)
    entries = await redis.xrange(f"{STREAM_PREFIX}{execution_id}")
    assert entries is not None
    assert [entry_id for entry_id, _ in entries] == ["0-1", "0-2", "0-3"]


async def test_an_unreadable_entry_is_skipped(
    redis_bus: RedisEventBus, redis: Redis, log: EventLog, execution_id: uuid.UUID
) -> None:
    await redis_bus.publish(execution_id, [log.append("run_started")])
    log.append("node_log")
    await redis.xadd(f"{STREAM_PREFIX}{execution_id}", {"event": "{not json"}, id="0-2")
    await redis_bus.publish(execution_id, [log.append("node_log")])
    async with redis_bus.subscribe(execution_id) as subscription:
        assert [event.id for event in await subscription.next(0, WAIT_SECONDS)] == [1, 3]


async def test_two_hundred_followers_share_one_reader_connection(
    redis_bus: RedisEventBus, redis: Redis, new_execution: Callable[[], uuid.UUID]
) -> None:
    executions = {new_execution(): EventLog() for _ in range(50)}
    for execution_id, log in executions.items():
        await redis_bus.publish(execution_id, [log.append("run_started")])
    frames: dict[tuple[uuid.UUID, int], list[str]] = {}

    async def read(execution_id: uuid.UUID, follower: int) -> None:
        received = frames[execution_id, follower] = []
        async for frame in following(execution_id, 0, executions[execution_id], redis_bus):
            received.append(frame)

    followers = [
        asyncio.create_task(read(execution_id, follower)) for execution_id in executions for follower in range(4)
    ]
    for execution_id, log in executions.items():
        await redis_bus.publish(execution_id, [log.append("node_started")])

    async def all_live() -> bool:
        return len(frames) == 200 and all(len(event_ids(received)) >= 2 for received in frames.values())

    await eventually(all_live)
    database = REDIS_URL.rsplit("/", 1)[-1]
    clients = [client for client in await redis.client_list() if int(client["db"]) == int(database)]
    names = [client["name"] for client in clients]
    assert names.count(READER_CLIENT_NAME) == 1
    assert names.count(COMMANDS_CLIENT_NAME) <= 2
    for step in range(3, 6):
        for execution_id, log in executions.items():
            await redis_bus.publish(execution_id, [log.append("run_succeeded" if step == 5 else "node_log")])
    async with asyncio.timeout(WAIT_SECONDS):
        await asyncio.gather(*followers)
    assert all(event_ids(received) == [1, 2, 3, 4, 5] for received in frames.values())


async def test_an_unreachable_redis_fails_publishing_at_once_and_followers_read_the_log(
    log: EventLog, execution_id: uuid.UUID
) -> None:
    bus = RedisEventBus(f"redis://127.0.0.1:{free_port()}/0", max_length=100, ttl_seconds=30)
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            with pytest.raises(BusUnavailable, match="unreachable"):
                await bus.publish(execution_id, [log.append("run_started")])
            with pytest.raises(BusUnavailable):
                await bus.finish(execution_id)
            async with bus.subscribe(execution_id) as subscription:
                assert await subscription.next(0, 0.05) == []

        async def publish_ignoring_failures() -> None:
            while len(log.events) < 20:
                batch = [log.append("run_succeeded" if len(log.events) == 19 else "node_log")]
                with pytest.raises(BusUnavailable):
                    await bus.publish(execution_id, batch)
                await asyncio.sleep(0.005)

        follower = asyncio.create_task(collect(following(execution_id, 0, log, bus, poll_seconds=0.02)))
        await publish_ignoring_failures()
        assert event_ids(await follower) == list(range(1, 21))
    finally:
        await bus.close()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    yield from running_private_redis(tmp_path)


async def test_the_bus_recovers_by_itself_when_redis_comes_back(
    private_redis: PrivateRedis, log: EventLog, execution_id: uuid.UUID
) -> None:
    bus = RedisEventBus(private_redis.url, max_length=100, ttl_seconds=30)
    try:
        async with bus.subscribe(execution_id) as subscription:
            await bus.publish(execution_id, [log.append("run_started")])
            assert [event.id for event in await subscription.next(0, WAIT_SECONDS)] == [1]
            private_redis.stop()
            with pytest.raises(BusUnavailable):
                await bus.publish(execution_id, [log.append("node_log")])
            assert await subscription.next(1, 0.3) == []
            private_redis.start()
            # The restarted Redis lost the stream; event 2 lives in the log only.
            await bus.publish(execution_id, [log.append("node_log"), log.append("run_succeeded")])
            received: list[StoredEvent] = []
            async with asyncio.timeout(WAIT_SECONDS):
                while len(received) < 2:
                    received += await subscription.next(received[-1].id if received else 1, 1.0)
            assert [event.id for event in received] == [3, 4]
    finally:
        await bus.close()


def test_create_bus_uses_redis_when_it_is_configured(tmp_path: Path) -> None:
    assert isinstance(create_bus(Settings(data_dir=tmp_path, redis_url=REDIS_URL)), RedisEventBus)
    assert isinstance(create_bus(Settings(data_dir=tmp_path, redis_url=None)), MemoryEventBus)
