"""Buses of both kinds over the machine's Redis, and execution ids whose streams are deleted afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from crewloom.events import EventBus, MemoryEventBus, RedisEventBus
from crewloom.events.redis_streams import STREAM_PREFIX
from tests.conftest import REDIS_URL
from tests.events.log import EventLog

BusFactory = Callable[..., EventBus]


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def new_execution(redis: Redis) -> AsyncIterator[Callable[[], uuid.UUID]]:
    created: list[uuid.UUID] = []

    def new() -> uuid.UUID:
        created.append(uuid.uuid4())
        return created[-1]

    yield new
    if created:
        await redis.delete(*(f"{STREAM_PREFIX}{execution_id}" for execution_id in created))


@pytest.fixture
def execution_id(new_execution: Callable[[], uuid.UUID]) -> uuid.UUID:
    return new_execution()


def build_bus(kind: str, *, max_length: int = 10_000, ttl_seconds: int = 60) -> EventBus:
    if kind == "memory":
        return MemoryEventBus(max_length=max_length, ttl_seconds=ttl_seconds)
    return RedisEventBus(REDIS_URL, max_length=max_length, ttl_seconds=ttl_seconds)


@pytest.fixture(params=["memory", "redis"])
async def make_bus(request: pytest.FixtureRequest) -> AsyncIterator[BusFactory]:
    buses: list[EventBus] = []

    def make(**options: int) -> EventBus:
        buses.append(build_bus(request.param, **options))
        return buses[-1]

    yield make
    for bus in buses:
        await bus.close()


@pytest.fixture
def bus(make_bus: BusFactory) -> EventBus:
    return make_bus()


@pytest.fixture
def log() -> EventLog:
    return EventLog()
