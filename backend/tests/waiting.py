"""Bounded waiting for something asynchronous to become true."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = 20.0, what: str = "the condition", interval: float = 0.05
) -> None:
    """Polls ``check`` until it holds; fails the test after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {within} s")
        await asyncio.sleep(interval)
