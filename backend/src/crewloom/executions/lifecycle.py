"""Executions start and stop with the API process: the event bus its followers read, and the
dispatcher that either runs executions here or hands them to workers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.events import EventBus
from crewloom.kit.shutdown import process_shutdown


@asynccontextmanager
async def running_executions(app: FastAPI, settings: Settings, database: Database) -> AsyncIterator[None]:
    from crewloom.events import create_bus
    from crewloom.executions.runner import build_hooks, build_runner
    from crewloom.queue import CeleryDispatcher, Dispatcher, LocalDispatcher

    bus = create_bus(settings)
    dispatcher: Dispatcher
    if settings.dispatcher == "celery":
        dispatcher = CeleryDispatcher(settings)
    else:
        dispatcher = LocalDispatcher(
            database,
            settings,
            runner=build_runner(database, settings, bus),
            hooks=build_hooks(settings),
            stop_grace_seconds=settings.shutdown_seconds,
        )
    await dispatcher.start()
    app.state.bus = bus
    app.state.dispatcher = dispatcher
    ending_streams = asyncio.create_task(_end_streams_on_shutdown(bus), name="end event streams on shutdown")
    try:
        yield
    finally:
        ending_streams.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ending_streams
        await dispatcher.stop()
        await bus.close()


async def _end_streams_on_shutdown(bus: EventBus) -> None:
    """Once the process is stopping, every follower waiting for events looks up and ends its stream with a
    reconnect hint (see ``events.follow``), rather than at its next event or heartbeat."""
    await process_shutdown.wait()
    bus.wake_followers()
