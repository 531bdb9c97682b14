"""Following an execution over SSE, on the memory bus and on Redis Streams alike: the log first, then
the bus, each event once and in order, whatever the bus lost."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from crewloom.errors import BadRequest
from crewloom.events import HEARTBEAT_FRAME, EventBus, parse_last_event_id
from crewloom.kit.shutdown import ShutdownNotice
from tests.events.conftest import BusFactory
from tests.events.log import EventLog, collect, event_ids, following, produce, split_frames


async def test_followers_resuming_anywhere_get_each_event_once_while_the_run_goes_on(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    total = 300
    producer = asyncio.create_task(produce(log, bus, execution_id, total))
    followers: list[tuple[int, asyncio.Task[list[str]]]] = []
    for after in (0, 1, 3, 17, 64, 150, 299):
        followers.append((after, asyncio.create_task(collect(following(execution_id, after, log, bus)))))
        await asyncio.sleep(0.003)
    await producer
    for after in (0, 123):
        followers.append((after, asyncio.create_task(collect(following(execution_id, after, log, bus)))))
    for after, follower in followers:
        assert event_ids(await follower) == list(range(after + 1, total + 1))


async def test_a_follower_resuming_after_the_terminal_event_gets_nothing_and_ends(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    await produce(log, bus, execution_id, 6)
    assert await collect(following(execution_id, 6, log, bus)) == []
    assert event_ids(await collect(following(execution_id, 5, log, bus))) == [6]


async def test_the_stream_ends_right_after_the_terminal_event(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    await produce(log, bus, execution_id, 4)
    # Whatever a confused writer adds after the end is never sent.
    await bus.publish(execution_id, [log.append("node_log")])
    frames = split_frames(await collect(following(execution_id, 0, log, bus)))
    assert event_ids(frames) == [1, 2, 3, 4]
    assert frames[-1].startswith("id: 4\nevent: run_succeeded\n")


async def test_events_that_arrive_together_go_out_as_one_chunk(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    await bus.publish(execution_id, [log.append("run_started")])
    frames = following(execution_id, 0, log, bus)
    assert event_ids([await anext(frames)]) == [1]
    await bus.publish(execution_id, [log.append("node_started"), log.append("node_log"), log.append("run_succeeded")])
    chunks = await collect(frames)
    assert len(chunks) == 1
    assert event_ids(chunks) == [2, 3, 4]


async def test_a_stopping_server_ends_waiting_streams_at_once_with_a_reconnect_hint(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    await bus.publish(execution_id, [log.append("run_started")])
    stopping = ShutdownNotice()
    frames = following(execution_id, 0, log, bus, stopping=stopping)
    assert event_ids([await anext(frames)]) == [1]
    rest = asyncio.create_task(collect(frames))
    await asyncio.sleep(0.05)

    stopping.begin(30)
    bus.wake_followers()

    chunks = await asyncio.wait_for(rest, 5)
    assert len(chunks) == 1
    assert chunks[0].startswith(": reconnect")
    assert "\nretry: " in chunks[0]


async def test_a_trimmed_stream_is_filled_from_the_log(
    make_bus: BusFactory, log: EventLog, execution_id: uuid.UUID
) -> None:
    bus = make_bus(max_length=10)
    await bus.publish(execution_id, [log.append("run_started")])
    frames = following(execution_id, 0, log, bus)
    assert event_ids([await anext(frames)]) == [1]
    log.caught_up.clear()
    rest = asyncio.create_task(collect(frames))
    await log.caught_up.wait()
    # The follower now waits on the bus alone (its next look at the log is a minute away), and the bus
    # keeps only the last few of these.
    burst = [log.append("node_log", n=n) for n in range(2, 301)] + [log.append("run_failed", error="boom")]
    await bus.publish(execution_id, burst)
    assert event_ids(await rest) == list(range(2, 302))
    assert any(after > 1 for after in log.reads)


async def test_events_whose_publish_was_lost_come_from_the_log(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    follower = asyncio.create_task(collect(following(execution_id, 0, log, bus)))
    await produce(log, bus, execution_id, 40, unpublished=frozenset({2, 3, 9, 10, 11, 25, 39}))
    assert event_ids(await follower) == list(range(1, 41))


async def test_a_terminal_event_written_only_to_the_log_ends_the_stream(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    await bus.publish(execution_id, [log.append("run_started"), log.append("node_started")])
    follower = asyncio.create_task(collect(following(execution_id, 0, log, bus, poll_seconds=0.05)))
    await log.caught_up.wait()
    # As when the reaper fails an execution whose worker died: the row and the event, no publish.
    log.append("run_failed", error="the worker went away")
    assert event_ids(await follower) == [1, 2, 3]


async def test_an_idle_stream_sends_heartbeats(bus: EventBus, log: EventLog, execution_id: uuid.UUID) -> None:
    await bus.publish(execution_id, [log.append("run_started")])
    frames = following(execution_id, 0, log, bus, heartbeat_seconds=0.05, poll_seconds=0.02)
    seen = [await anext(frames) for _ in range(4)]
    assert event_ids(seen[:1]) == [1]
    assert seen[1:] == [HEARTBEAT_FRAME] * 3
    await bus.publish(execution_id, [log.append("run_cancelled")])
    rest = await collect(frames)
    assert event_ids(rest) == [2]
    assert rest[-1] != HEARTBEAT_FRAME


async def test_an_execution_without_any_event_yet_sends_heartbeats(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    frames = following(execution_id, 0, log, bus, heartbeat_seconds=0.05)
    assert [await anext(frames) for _ in range(2)] == [HEARTBEAT_FRAME] * 2
    await frames.aclose()


async def test_publishing_ids_the_bus_already_holds_changes_nothing(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    first = [log.append("run_started"), log.append("node_log"), log.append("node_log")]
    await bus.publish(execution_id, first)
    await bus.publish(execution_id, [*first[1:], log.append("node_log")])
    async with bus.subscribe(execution_id) as subscription:
        assert [event.id for event in await subscription.next(0, 5.0)] == [1, 2, 3, 4]
        assert [event.id for event in await subscription.next(2, 5.0)] == [3, 4]
        assert await subscription.next(4, 0.01) == []


async def test_subscribers_see_what_is_published_after_they_wait(
    bus: EventBus, log: EventLog, execution_id: uuid.UUID
) -> None:
    async with bus.subscribe(execution_id) as first, bus.subscribe(execution_id) as second:
        waiting = [asyncio.create_task(subscription.next(0, 10.0)) for subscription in (first, second)]
        await asyncio.sleep(0.05)
        event = log.append("run_started", inputs={"topic": "bees"})
        await bus.publish(execution_id, [event])
        assert [await task for task in waiting] == [[event], [event]]


async def test_a_subscription_must_be_entered_before_it_is_read(bus: EventBus, execution_id: uuid.UUID) -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await bus.subscribe(execution_id).next(0, 0.01)


@pytest.mark.parametrize(
    ("header", "query", "expected"),
    [
        (None, None, 0),
        ("", None, 0),
        (" 12 ", None, 12),
        ("7", "9", 7),
        (None, "9", 9),
        ("  ", "3", 3),
        ("0", None, 0),
        (str(2**63 - 1), None, 2**63 - 1),
    ],
)
def test_the_last_event_id_comes_from_the_header_else_the_query(
    header: str | None, query: str | None, expected: int
) -> None:
    assert parse_last_event_id(header, query) == expected


@pytest.mark.parametrize(
    ("header", "query", "named"),
    [
        ("soon", None, "Last-Event-ID"),
        ("-1", None, "Last-Event-ID"),
        ("1.5", None, "Last-Event-ID"),
        ("١٢", None, "Last-Event-ID"),
        (str(2**63), None, "Last-Event-ID"),
        ("x", "4", "Last-Event-ID"),
        (None, "4e3", "last_event_id"),
    ],
)
def test_a_last_event_id_that_is_no_event_id_is_a_bad_request(
    header: str | None, query: str | None, named: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_last_event_id(header, query)
    assert named in raised.value.detail
    assert "whole number" in raised.value.detail


async def test_follow_refuses_intervals_that_would_spin(bus: EventBus, log: EventLog, execution_id: uuid.UUID) -> None:
    with pytest.raises(ValueError, match="positive"):
        await anext(following(execution_id, 0, log, bus, heartbeat_seconds=0))
