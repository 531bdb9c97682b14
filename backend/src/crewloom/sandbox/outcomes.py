"""Turning what a sandboxed process left behind into an ``Outcome`` with a clear error, for every backend."""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass
from typing import Any, cast

from crewloom.sandbox.contract import LimitName, Limits, Outcome

RUNNER_LIMITS: frozenset[str] = frozenset(
    {"wall_time", "cpu_time", "memory", "processes", "open_files", "file_size", "output"}
)
# A process killed by a signal exits with this plus the signal's number (bubblewrap and Docker alike).
SIGNAL_EXIT_BASE = 128


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.4g} {unit}"
    return f"{size} bytes"


def truncation_marker(limits: Limits) -> str:
    return f"\n[output truncated at {size_text(limits.output_bytes)}]"


def limit_error(limit: LimitName, limits: Limits, stream: str = "stdout") -> str:
    messages: dict[LimitName, str] = {
        "wall_time": f"the tool ran longer than {limits.wall_seconds:g} s and was stopped",
        "cpu_time": f"the tool used more than its CPU time (limit {limits.cpu_seconds} s)",
        "memory": f"the tool ran out of memory (limit {size_text(limits.memory_bytes)})",
        "processes": f"the tool started too many processes (limit {limits.processes})",
        "open_files": f"the tool opened too many files (limit {limits.open_files})",
        "file_size": f"the tool wrote too much to a file or /tmp (limit {size_text(limits.file_size_bytes)})",
        "output": f"the tool's {stream} is larger than the limit ({size_text(limits.output_bytes)}); it was stopped",
    }
    return messages[limit]


@dataclass(frozen=True, kw_only=True)
class Finished:
    """What the host saw of one run."""

    stdout: bytes
    stderr: bytes
    # The runner's report, or None when the channel stayed empty.
    report: bytes | None
    # The exit status as a shell shows it (128 + signal for a signal); None when unknown.
    exit_status: int | None
    duration_ms: float
    timed_out: bool = False
    # The stream ("stdout", "stderr", "result") that went past the output limit, if one did.
    overflow: str | None = None
    out_of_memory: bool = False


def _text(data: bytes, truncated: bool, limits: Limits) -> str:
    text = data.decode(errors="replace")
    return text + truncation_marker(limits) if truncated else text


def _killing_signal(exit_status: int | None) -> int | None:
    if exit_status is None:
        return None
    if exit_status < 0:
        return -exit_status
    return exit_status - SIGNAL_EXIT_BASE if exit_status > SIGNAL_EXIT_BASE else None


def _from_exit(finished: Finished, limits: Limits) -> tuple[str, LimitName | None]:
    """Why a run that left no report ended."""
    if finished.out_of_memory:
        return limit_error("memory", limits), "memory"
    number = _killing_signal(finished.exit_status)
    if number == signal.SIGXCPU:
        return limit_error("cpu_time", limits), "cpu_time"
    if number == signal.SIGXFSZ:
        return limit_error("file_size", limits), "file_size"
    if number == signal.SIGKILL and finished.duration_ms >= limits.cpu_seconds * 1000:
        # The hard CPU limit, one second past the soft one, kills a tool that ignored SIGXCPU.
        return limit_error("cpu_time", limits), "cpu_time"
    if number is not None:
        return f"the tool was killed by {signal.Signals(number).name}", None
    return f"the tool exited with status {finished.exit_status} without returning a result", None


def _from_report(report: bytes, limits: Limits) -> tuple[bool, Any, str | None, LimitName | None]:
    try:
        parsed = json.loads(report)
    except ValueError:
        return False, None, "the tool's output is not JSON: its result channel held something else", None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("ok"), bool):
        return False, None, "the tool's output is not JSON: its result channel held something else", None
    if parsed["ok"]:
        return True, parsed.get("result"), None, None
    limit = parsed.get("limit")
    if limit in RUNNER_LIMITS:
        named = cast(LimitName, limit)
        detail = parsed.get("error")
        return False, None, limit_error(named, limits) + (f": {detail}" if detail else ""), named
    return False, None, str(parsed.get("error")), None


def outcome_of(finished: Finished, limits: Limits) -> Outcome:
    """The outcome of a run of the in-sandbox runner, whose report is the result channel."""
    ok, result, error, limit = False, None, None, cast(LimitName | None, None)
    if finished.timed_out:
        error, limit = limit_error("wall_time", limits), "wall_time"
    elif finished.overflow:
        error, limit = limit_error("output", limits, finished.overflow), "output"
    elif finished.report:
        ok, result, error, limit = _from_report(finished.report, limits)
    else:
        error, limit = _from_exit(finished, limits)
    return Outcome(
        ok=ok,
        result=result,
        error=error,
        stdout=_text(finished.stdout, finished.overflow == "stdout", limits),
        stderr=_text(finished.stderr, finished.overflow == "stderr", limits),
        duration_ms=finished.duration_ms,
        limit=limit,
    )


def image_outcome_of(finished: Finished, limits: Limits) -> Outcome:
    """The outcome of an image run, whose whole stdout is the JSON result."""
    if finished.timed_out or finished.overflow or finished.out_of_memory:
        return outcome_of(finished, limits)
    error: str | None = None
    limit: LimitName | None = None
    result: Any = None
    if finished.exit_status != 0:
        error, limit = _from_exit(finished, limits)
        if _killing_signal(finished.exit_status) is None:
            error = f"the tool exited with status {finished.exit_status}"
    else:
        try:
            result = json.loads(finished.stdout)
        except ValueError:
            shown = finished.stdout[:200].decode(errors="replace")
            error = f"the tool's output is not JSON: {shown!r}"
    return Outcome(
        ok=error is None,
        result=result,
        error=error,
        stdout=_text(finished.stdout, False, limits),
        stderr=_text(finished.stderr, False, limits),
        duration_ms=finished.duration_ms,
        limit=limit,
    )
