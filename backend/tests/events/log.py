"""An in-test stand-in for the execution_events table, the worker that writes and publishes to it, and
a client reading the SSE frames."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from typing import Any

from crewloom.events import HEARTBEAT_FRAME, EventBus, StoredEvent, follow
from crewloom.kit.shutdown import ShutdownNotice

# Bounds every wait of these tests, so that a stream that never ends fails the test instead of hanging it.
WAIT_SECONDS = 30.0


class EventLog:
    """Events appended in id order and read a small page at a time, as the repository reads the table."""

    def __init__(self, page_size: int = 4) -> None:
        self.events: list[StoredEvent] = []
        self.page_size = page_size
        # The ``after`` of every read, in order.
        self.reads: list[int] = []
        # Set by a read that found nothing newer.
        self.caught_up = asyncio.Event()

    def append(self, type: str = "node_log", **data: Any) -> StoredEvent:
        event = StoredEvent(id=len(self.events) + 1, type=type, node_id="step", data=data, at=datetime.now(UTC))
        self.events.append(event)
        return event

    async def load_after(self, after: int) -> list[StoredEvent]:
        self.reads.append(after)
        # A real query gives the loop a turn.
        await asyncio.sleep(0)
        page = [event for event in self.events if event.id > after][: self.page_size]
        if not page:
            self.caught_up.set()
        return page


def event_type(event_id: int, total: int) -> str:
    if event_id == 1:
        return "run_started"
    return "run_succeeded" if event_id == total else "node_log"


async def produce(
    log: EventLog,
    bus: EventBus,
    execution_id: uuid.UUID,
    total: int,
    *,
    unpublished: frozenset[int] = frozenset(),
    seed: int = 7,
) -> None:
    """What the worker does: batches of events, each written to the log and then published, except the
    ``unpublished`` ids whose publish is lost."""
    rng = random.Random(seed)
    while len(log.events) < total:
        size = min(rng.randint(1, 5), total - len(log.events))
        batch = []
        for _ in range(size):
            event_id = len(log.events) + 1
            batch.append(log.append(event_type(event_id, total), n=event_id))
        await bus.publish(execution_id, [event for event in batch if event.id not in unpublished])
        await asyncio.sleep(rng.choice([0.0, 0.0, 0.001, 0.003]))


def following(
    execution_id: uuid.UUID,
    after: int,
    log: EventLog,
    bus: EventBus,
    *,
    heartbeat_seconds: float = 60.0,
    poll_seconds: float = 60.0,
    stopping: ShutdownNotice | None = None,
) -> AsyncGenerator[str]:
    return follow(
        execution_id,
        after,
        load_after=log.load_after,
        bus=bus,
        heartbeat_seconds=heartbeat_seconds,
        poll_seconds=poll_seconds,
        stopping=stopping,
    )


async def collect(frames: AsyncIterator[str]) -> list[str]:
    async with asyncio.timeout(WAIT_SECONDS):
        return [frame async for frame in frames]


def parse_frame(frame: str) -> dict[str, Any]:
    """An event frame's JSON, after checking that its id and event lines agree with it."""
    id_line, event_line, data_line, *rest = frame.split("\n")
    assert rest == ["", ""]
    document: dict[str, Any] = json.loads(data_line.removeprefix("data: "))
    assert id_line == f"id: {document['id']}"
    assert event_line == f"event: {document['type']}"
    return document


def split_frames(chunks: list[str]) -> list[str]:
    """The frames of the chunks a follower yielded: one chunk holds every event that arrived together."""
    return [frame + "\n\n" for chunk in chunks for frame in chunk.split("\n\n")[:-1]]


def event_ids(chunks: list[str]) -> list[int]:
    return [parse_frame(frame)["id"] for frame in split_frames(chunks) if frame != HEARTBEAT_FRAME]
