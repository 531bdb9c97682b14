"""Running a sandbox's host command from the event loop: the request on stdin, stdout, stderr and the
runner's result pipe read with caps, the whole process group killed at the wall time.

The pipes are our own rather than asyncio's: asyncio's ``Process.wait()`` waits for its pipes to close,
and a pipe we stopped reading at its cap would never close."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from typing import Any

from crewloom.sandbox.contract import Limits
from crewloom.sandbox.outcomes import Finished

CHUNK_BYTES = 64 * 1024
# After a kill the pipes close as soon as the sandbox's processes are gone; this only bounds the wait.
DRAIN_SECONDS = 5.0


async def read_capped(stream: asyncio.StreamReader, cap: int) -> tuple[bytes, bool]:
    """Up to ``cap`` bytes of ``stream`` until its end, and whether there was more."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(CHUNK_BYTES):
        if size + len(chunk) > cap:
            chunks.append(chunk[: cap - size])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


async def _feed(descriptor: int, data: bytes) -> asyncio.BaseTransport:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(descriptor, "wb", buffering=0))
    transport.write(data)
    # Closing flushes what the pipe could not take yet; a tool that never reads it is killed in time.
    transport.close()
    return transport


async def _reader(descriptor: int) -> tuple[asyncio.StreamReader, asyncio.BaseTransport]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(descriptor, "rb", buffering=0)
    )
    return reader, transport


def _kill(process: asyncio.subprocess.Process) -> None:
    # The whole group of the host-side chain; bubblewrap's --die-with-parent and the pid namespace take
    # every process inside down with it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


async def _watch(
    process: asyncio.subprocess.Process, readers: dict[str, asyncio.Task[tuple[bytes, bool]]], limits: Limits
) -> tuple[bool, str | None]:
    """Wait for the end of the process and its output; whether the wall time ran out, and which stream
    went past the cap."""
    try:
        async with asyncio.timeout(limits.wall_seconds):
            pending = set(readers.values())
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                overflow = next((name for name, task in readers.items() if task in done and task.result()[1]), None)
                if overflow is not None:
                    return False, overflow
            await process.wait()
    except TimeoutError:
        return True, None
    return False, None


async def run_sandboxed(argv: list[str], env: dict[str, str], request: dict[str, Any], limits: Limits) -> Finished:
    """Run ``argv`` with ``request`` (plus ``result_fd``, the runner's result pipe) as JSON on stdin.
    OSError when the command cannot start."""
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    stderr_read, stderr_write = os.pipe()
    result_read, result_write = os.pipe()
    child_ends = (stdin_read, stdout_write, stderr_write, result_write)
    started = time.monotonic()
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=stdin_read,
            stdout=stdout_write,
            stderr=stderr_write,
            pass_fds=(result_write,),
            env=env,
            start_new_session=True,
        )
    except OSError:
        for descriptor in (stdin_write, stdout_read, stderr_read, result_read):
            os.close(descriptor)
        raise
    finally:
        for descriptor in child_ends:
            os.close(descriptor)
    transports: list[asyncio.BaseTransport] = []
    readers: dict[str, asyncio.Task[tuple[bytes, bool]]] = {}
    try:
        for name, descriptor in (("stdout", stdout_read), ("stderr", stderr_read), ("result", result_read)):
            reader, transport = await _reader(descriptor)
            transports.append(transport)
            readers[name] = asyncio.create_task(read_capped(reader, limits.output_bytes))
        transports.append(await _feed(stdin_write, json.dumps({**request, "result_fd": result_write}).encode()))
        timed_out, overflow = await _watch(process, readers, limits)
    finally:
        if process.returncode is None:
            _kill(process)
        exit_status = await process.wait()
        duration_ms = (time.monotonic() - started) * 1000
        if readers:
            await asyncio.wait(readers.values(), timeout=DRAIN_SECONDS)
        for task in readers.values():
            task.cancel()
        for transport in transports:
            transport.close()
    output = {
        name: task.result() if task.done() and not task.cancelled() else (b"", False) for name, task in readers.items()
    }
    return Finished(
        stdout=output["stdout"][0],
        stderr=output["stderr"][0],
        report=output["result"][0] or None,
        exit_status=exit_status,
        duration_ms=duration_ms,
        timed_out=timed_out,
        overflow=overflow,
    )
