"""The process was told to stop (SIGTERM or SIGINT): a notice that long-lived work watches so that it ends in
time, and the deadline by which the process must be gone. A rolling deploy sends it to one replica while the
others go on serving."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

SignalHandler = Callable[[int, FrameType | None], object] | int | None


def _settle(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class ShutdownNotice:
    """Begun once and for good. Any event loop of the process may wait for it, and it may begin from any
    thread or from a signal handler: waiters are woken through their own loop."""

    def __init__(self) -> None:
        self._deadline: float | None = None
        self._waiters: set[asyncio.Future[None]] = set()

    @property
    def begun(self) -> bool:
        return self._deadline is not None

    def remaining(self) -> float | None:
        """Seconds left until the deadline (0 once it passed); None while the process is not stopping."""
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - time.monotonic())

    def begin(self, seconds: float) -> None:
        """The process stops within ``seconds``; a second call keeps the first deadline."""
        if self._deadline is None:
            self._deadline = time.monotonic() + seconds
        for waiter in list(self._waiters):
            # A loop that closed meanwhile has nobody waiting any more.
            with contextlib.suppress(RuntimeError):
                waiter.get_loop().call_soon_threadsafe(_settle, waiter)

    async def wait(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        # Registered before looking, so that a begin() in between still wakes it.
        self._waiters.add(waiter)
        try:
            if self._deadline is None:
                await waiter
        finally:
            self._waiters.discard(waiter)


process_shutdown = ShutdownNotice()


@contextmanager
def notice_stop_signals(notice: ShutdownNotice, seconds: float) -> Iterator[None]:
    """Begin ``notice`` on SIGTERM or SIGINT, then hand the signal to the handler that was there (the server's,
    which stops accepting and waits for the open connections). Does nothing outside the main thread, where
    signals cannot be handled."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, SignalHandler] = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}

    def begin_then_pass_on(sig: int, frame: FrameType | None) -> None:
        notice.begin(seconds)
        handler = previous[sig]
        if callable(handler):
            handler(sig, frame)
        elif handler == signal.SIG_IGN:
            return
        elif sig == signal.SIGINT:
            signal.default_int_handler(sig, frame)
        else:
            signal.signal(sig, signal.SIG_DFL)
            signal.raise_signal(sig)

    for stop_signal in _STOP_SIGNALS:
        signal.signal(stop_signal, begin_then_pass_on)
    try:
        yield
    finally:
        for stop_signal in _STOP_SIGNALS:
            handler = previous[stop_signal]
            # None: a handler not set from Python, which cannot be put back from here either.
            if signal.getsignal(stop_signal) is begin_then_pass_on and handler is not None:
                signal.signal(stop_signal, handler)
