"""The event bus: how the worker that wrote an execution's events tells the processes following it.

PostgreSQL holds the log; the bus only carries recent events quickly and may lose or trim them, so
followers fill any hole from the log."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from types import TracebackType
from typing import Protocol, Self

from crewloom.events.record import StoredEvent


class BusUnavailable(Exception):
    """The bus cannot be reached; the events are in the log all the same."""


class Subscription(Protocol):
    """Following one execution on the bus, as an async context manager."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None: ...

    # A poll, not a deadline on the caller: running out of time is an answer ([]), not an error.
    async def next(self, after: int, timeout: float) -> list[StoredEvent]:  # noqa: ASYNC109
        """The events with an id above ``after`` that the bus holds, in order, waiting up to ``timeout``
        seconds for some; ``[]`` when none came, including while the bus is unreachable."""
        ...


class EventBus(Protocol):
    async def publish(self, execution_id: uuid.UUID, events: Sequence[StoredEvent]) -> None:
        """Adds events already written to the log, ids strictly increasing; ids the bus already holds
        are ignored. Raises BusUnavailable when the bus cannot be reached."""
        ...

    async def publish_many(
        self, batches: Mapping[uuid.UUID, Sequence[StoredEvent]], *, finished: Collection[uuid.UUID] = ()
    ) -> None:
        """``publish`` for several executions at once, in one exchange with the bus; the ``finished`` ones have
        ended, as with ``finish``."""
        ...

    async def finish(self, execution_id: uuid.UUID) -> None:
        """The execution has ended: its events expire from the bus after the configured time."""
        ...

    def subscribe(self, execution_id: uuid.UUID) -> Subscription: ...

    def wake_followers(self) -> None:
        """Every subscriber waiting in ``next`` returns now (with what it has, perhaps nothing): they look at
        whether to go on, as when the process is stopping."""
        ...

    async def close(self) -> None: ...
