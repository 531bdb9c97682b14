"""Sandbox benchmark: what running a custom tool in a sandbox costs per call.

1. Start-up overhead per tool call: a trivial function (``def f(): return 1``) called one call at a time through
   ``Sandbox.run_python``, p50 and p99, for each backend that works here; beside it the same runner started with no
   sandbox at all (the interpreter's own start-up), so the sandbox's share shows.
2. Tool calls per second of one worker process: 8 calls at a time for a bounded time.

Run with ``make bench`` (or ``cd backend && uv run python ../bench/sandbox.py``). Bubblewrap is measured when it works
here; Docker on the engine at ``CREWLOOM_DOCKER_HOST`` (or ``DOCKER_HOST``), else on a private engine the
benchmark starts and stops when ``dockerd`` is installed, its sandbox image built from this machine's Python first
if missing. ``CREWLOOM_BENCH_SANDBOX_CALLS`` changes the count of figure 1 (100; a
quarter of it for Docker), ``CREWLOOM_BENCH_SANDBOX_SECONDS`` the duration of figure 2 (10 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from crewloom.config import Settings
from crewloom.sandbox import Limits, Outcome, Sandbox, SandboxUnavailable, bubblewrap_sandbox, docker_sandbox
from crewloom.sandbox.bwrap import HOST_PATH
from crewloom.sandbox.docker_image import build_python_image
from crewloom.sandbox.outcomes import outcome_of
from crewloom.sandbox.private_engine import private_engine
from crewloom.sandbox.processes import run_sandboxed
from crewloom.sandbox.runner import runner_argv

CALLS = int(os.environ.get("CREWLOOM_BENCH_SANDBOX_CALLS", "100"))
SECONDS = float(os.environ.get("CREWLOOM_BENCH_SANDBOX_SECONDS", "10"))
CONCURRENCY = 8
BUBBLEWRAP_TARGET_MS = 50.0
TRIVIAL = "def f():\n    return 1\n"
LIMITS = Limits()

Call = Callable[[], Awaitable[Outcome]]


def percentile(values: Sequence[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def trivial_call(sandbox: Sandbox) -> Call:
    return lambda: sandbox.run_python(TRIVIAL, None, {}, LIMITS)


def unsandboxed_call(python: str) -> Call:
    """The same runner and request straight on the host: what the interpreter alone costs."""

    async def call() -> Outcome:
        request: dict[str, Any] = {
            "source": TRIVIAL,
            "function_name": None,
            "arguments": {},
            "processes": LIMITS.processes,
        }
        finished = await run_sandboxed(runner_argv(python), {"PATH": HOST_PATH}, request, LIMITS)
        # Past the runner's sign of life is its report.
        return outcome_of(replace(finished, report=(finished.report or b"")[1:]), LIMITS)

    return call


async def latencies(call: Call, count: int) -> list[float]:
    """Milliseconds per call, one call at a time, after one unmeasured call."""
    await call()
    timings = []
    for _ in range(count):
        began = time.perf_counter()
        outcome = await call()
        timings.append((time.perf_counter() - began) * 1000)
        if outcome.result != 1:
            raise RuntimeError(f"the trivial call failed: {outcome.error}")
    return timings


async def throughput(call: Call, seconds: float) -> tuple[int, float]:
    """Calls finished by CONCURRENCY callers within ``seconds`` (each finishes its call in progress)."""
    deadline = time.perf_counter() + seconds
    finished = 0

    async def caller() -> None:
        nonlocal finished
        while time.perf_counter() < deadline:
            outcome = await call()
            if outcome.result != 1:
                raise RuntimeError(f"the trivial call failed: {outcome.error}")
            finished += 1

    began = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CONCURRENCY)))
    return finished, time.perf_counter() - began


def print_latencies(label: str, timings: list[float], target_ms: float | None = None) -> None:
    p50, p99 = percentile(timings, 50), percentile(timings, 99)
    verdict = (
        "" if target_ms is None else f"   target p50 < {target_ms:.0f} ms: {'ok' if p50 < target_ms else 'MISSED'}"
    )
    print(f"   {label:<34} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   ({len(timings)} calls){verdict}")


def docker_backend(settings: Settings) -> Sandbox:
    try:
        return docker_sandbox(settings)
    except SandboxUnavailable as error:
        if "is not present" not in str(error):
            raise
    began = time.perf_counter()
    build_python_image(settings)
    print(f"   (built {settings.sandbox_image} in {time.perf_counter() - began:.1f} s)")
    return docker_sandbox(settings)


def engine_settings(settings: Settings, engines: contextlib.ExitStack) -> Settings:
    """The settings with a Docker engine: the configured one, else a private one started for the benchmark."""
    if settings.docker_host or os.environ.get("DOCKER_HOST"):
        return settings
    try:
        url = engines.enter_context(private_engine())
    except SandboxUnavailable as error:
        print(f"   docker: no engine configured, and none could start: {error}")
        return settings
    private = settings.model_copy(update={"docker_host": url})
    began = time.perf_counter()
    # A new engine holds no image, and a check that found none is remembered for a while: build first.
    build_python_image(private)
    print(
        "   docker: no engine configured; measured on a private engine started for the benchmark"
        f" (built {private.sandbox_image} in {time.perf_counter() - began:.1f} s)"
    )
    return private


async def main() -> None:
    with contextlib.ExitStack() as engines:
        await measure(engines)


async def measure(engines: contextlib.ExitStack) -> None:
    settings = Settings()
    print(f"sandbox benchmark on {os.cpu_count()} cores; limits: {LIMITS}")
    backends: list[tuple[Sandbox, int, float | None]] = []
    for name, make, count, target, chosen in (
        ("bubblewrap", bubblewrap_sandbox, CALLS, BUBBLEWRAP_TARGET_MS, settings),
        ("docker", docker_backend, max(CALLS // 4, 5), None, engine_settings(settings, engines)),
    ):
        try:
            backends.append((make(chosen), count, target))
        except SandboxUnavailable as error:
            print(f"   {name}: not measured: {error}")

    print("1. start-up overhead per tool call (a trivial function, one call at a time)")
    baseline = await latencies(unsandboxed_call(str(settings.sandbox_python)), CALLS)
    print_latencies(f"no sandbox ({settings.sandbox_python})", baseline)
    for sandbox, count, target in backends:
        print_latencies(sandbox.name, await latencies(trivial_call(sandbox), count), target)

    print(f"2. tool calls per second of one worker ({CONCURRENCY} at a time for {SECONDS:g} s)")
    for sandbox, _, _ in backends:
        finished, elapsed = await throughput(trivial_call(sandbox), SECONDS)
        print(f"   {sandbox.name:<34} {finished / elapsed:7.1f} calls/s   ({finished} calls in {elapsed:.1f} s)")


if __name__ == "__main__":
    asyncio.run(main())
