"""What only the memory bus does: it keeps a bounded number of events, and lets them go after the end."""

from __future__ import annotations

import asyncio
import uuid

from crewloom.events import MemoryEventBus
from tests.events.log import EventLog, produce
from tests.waiting import eventually


async def test_the_memory_bus_keeps_the_last_max_length_events(log: EventLog) -> None:
    bus = MemoryEventBus(max_length=5, ttl_seconds=60)
    execution_id = uuid.uuid4()
    await produce(log, bus, execution_id, 12)
    async with bus.subscribe(execution_id) as subscription:
        assert [event.id for event in await subscription.next(0, 0.01)] == [8, 9, 10, 11, 12]
    await bus.close()


async def test_the_memory_bus_forgets_an_execution_ttl_seconds_after_it_ends(log: EventLog) -> None:
    bus = MemoryEventBus(max_length=100, ttl_seconds=0.05)
    execution_id = uuid.uuid4()
    await produce(log, bus, execution_id, 3)
    await bus.finish(execution_id)

    async def forgotten() -> bool:
        async with bus.subscribe(execution_id) as subscription:
            return await subscription.next(0, 0.0) == []

    await eventually(forgotten)
    await asyncio.sleep(0)
    await bus.close()


async def test_the_memory_bus_forgets_an_execution_published_as_finished(log: EventLog) -> None:
    bus = MemoryEventBus(max_length=100, ttl_seconds=0.05)
    execution_id = uuid.uuid4()
    await bus.publish_many({execution_id: [log.append("run_succeeded")]}, finished={execution_id})

    async def forgotten() -> bool:
        async with bus.subscribe(execution_id) as subscription:
            return await subscription.next(0, 0.0) == []

    await eventually(forgotten)
    await bus.close()
