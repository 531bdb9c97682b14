"""Execution events: their stored form, the bus that carries them between processes (Redis Streams,
or memory in a single process) and following them over SSE."""

from crewloom.config import Settings
from crewloom.events.bus import BusUnavailable, EventBus, Subscription
from crewloom.events.memory import MemoryEventBus
from crewloom.events.record import StoredEvent, redact, to_record
from crewloom.events.redis_streams import RedisEventBus
from crewloom.events.sse import (
    HEARTBEAT_FRAME,
    SSE_HEADERS,
    SSE_MEDIA_TYPE,
    follow,
    parse_last_event_id,
    reconnect_frame,
)


def create_bus(settings: Settings) -> EventBus:
    """Redis Streams when Redis is configured, so that workers on other machines reach the followers."""
    if settings.redis_url:
        return RedisEventBus(
            settings.redis_url,
            max_length=settings.event_stream_max_length,
            ttl_seconds=settings.event_stream_ttl_seconds,
        )
    return MemoryEventBus(max_length=settings.event_stream_max_length, ttl_seconds=settings.event_stream_ttl_seconds)


__all__ = [
    "HEARTBEAT_FRAME",
    "SSE_HEADERS",
    "SSE_MEDIA_TYPE",
    "BusUnavailable",
    "EventBus",
    "MemoryEventBus",
    "RedisEventBus",
    "StoredEvent",
    "Subscription",
    "create_bus",
    "follow",
    "parse_last_event_id",
    "reconnect_frame",
    "redact",
    "to_record",
]
