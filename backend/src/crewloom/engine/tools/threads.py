"""Blocking work (CrewAI kickoffs, built-in tools) runs in a thread of its own so that the event loop stays
free; the thread reaches back to the loop for model calls, events and HTTP requests through a LoopLink.

A cancelled caller does not wait for the thread: the link is closed, whatever the thread awaits on the loop
is cancelled, and the thread stops at its next step."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import threading
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")


class Stopped(Exception):
    """The work was cancelled or failed: the thread unwinds."""


class LoopLink:
    """How a worker thread runs coroutines on the event loop of the coroutine that awaits it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._closed = False
        self._pending: set[concurrent.futures.Future[Any]] = set()

    @property
    def closed(self) -> bool:
        return self._closed

    def check(self) -> None:
        if self._closed:
            raise Stopped("stopped")

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Runs ``coroutine`` on the loop and waits for it; raises Stopped once the link is closed."""
        with self._lock:
            if self._closed:
                coroutine.close()
                raise Stopped("stopped")
            try:
                future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
            except RuntimeError:
                # The loop is closed: nobody awaits this work any more.
                coroutine.close()
                self._closed = True
                raise Stopped("the event loop is closed") from None
            self._pending.add(future)
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            raise Stopped("stopped") from None
        finally:
            with self._lock:
                self._pending.discard(future)

    def close(self) -> None:
        """Stops the thread at its next step: every later call raises Stopped, pending ones are cancelled."""
        with self._lock:
            self._closed = True
            pending = list(self._pending)
        for future in pending:
            future.cancel()


async def run_in_thread(work: Callable[[LoopLink], T], *, name: str) -> T:
    """The result of ``work`` run in a new daemon thread, given a link back to the running loop."""
    loop = asyncio.get_running_loop()
    link = LoopLink(loop)
    outcome: asyncio.Future[T] = loop.create_future()

    def deliver(settle: Callable[[], None]) -> None:
        def once() -> None:
            if not outcome.done():
                settle()

        # A closed loop has nobody waiting for this outcome.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(once)

    def target() -> None:
        try:
            result = work(link)
        except Exception as exc:
            deliver(partial(outcome.set_exception, exc))
        except BaseException as exc:
            deliver(partial(outcome.set_exception, RuntimeError(f"the worker thread stopped: {exc!r}")))
        else:
            deliver(partial(outcome.set_result, result))

    # The thread carries on the caller's context: its model and tool calls belong to the caller's trace and logs.
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(target,), name=name, daemon=True).start()
    try:
        return await outcome
    except asyncio.CancelledError:
        link.close()
        raise
