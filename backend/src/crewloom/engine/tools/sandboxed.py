"""Custom Python tools and Docker tools: every call runs in the sandbox, given the call's arguments and
nothing else (never the tool's secrets), within LIMITS. Without a sandbox the call fails closed: the code is
never run in a Crewloom process instead."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.arguments import checked_arguments
from crewloom.engine.tools.spec import ToolSpec, checked_config
from crewloom.observability.metrics import sandbox_ran
from crewloom.sandbox import Limits, Outcome, Sandbox, SandboxUnavailable, docker_sandbox, get_sandbox
from crewloom.tools.configs import CustomConfig, DockerConfig

LIMITS = Limits()

_MIB = 1024 * 1024


def _size(count: int) -> str:
    return f"{count // _MIB} MB" if count % _MIB == 0 else f"{count // 1024} KB"


def limit_text(limit: str, limits: Limits) -> str:
    """The limit named by an Outcome, with its value, e.g. "memory limit (512 MB)"."""
    described = {
        "wall_time": f"time limit ({limits.wall_seconds:g} s)",
        "cpu_time": f"CPU time limit ({limits.cpu_seconds} s)",
        "memory": f"memory limit ({_size(limits.memory_bytes)})",
        "processes": f"process limit ({limits.processes})",
        "open_files": f"open files limit ({limits.open_files})",
        "file_size": f"file size limit ({_size(limits.file_size_bytes)})",
        "output": f"output limit ({_size(limits.output_bytes)})",
    }
    return described.get(limit, f"{limit} limit")


def failure(tool: ToolSpec, outcome: Outcome) -> NodeError:
    """The error of a failed run. Another attempt would fail the same way: the sandbox has no network and
    the same code gets the same arguments."""
    if outcome.limit is not None:
        return NodeError(f"the tool {tool.name!r} hit its {limit_text(outcome.limit, LIMITS)}", retryable=False)
    return NodeError(f"the tool {tool.name!r} failed: {outcome.error or 'no result'}", retryable=False)


def unavailable(tool: ToolSpec, error: SandboxUnavailable) -> NodeError:
    return NodeError(
        f"the tool {tool.name!r} cannot run: {error}. {tool.type} tools run only in a sandbox, never in "
        "Crewloom's own processes",
        retryable=False,
    )


def sandbox_for(tool: ToolSpec) -> Sandbox:
    """The sandbox that runs ``tool``: Docker for a docker tool, the configured one otherwise. Raises
    SandboxUnavailable."""
    return docker_sandbox() if tool.type == "docker" else get_sandbox()


def ready_sandbox(tool: ToolSpec) -> Sandbox:
    """As sandbox_for, a missing sandbox being the tool's NodeError."""
    try:
        return sandbox_for(tool)
    except SandboxUnavailable as exc:
        raise unavailable(tool, exc) from None


async def found_sandbox(tool: ToolSpec) -> Sandbox:
    """As sandbox_for, off the event loop: checking a backend may start a process."""
    return await asyncio.to_thread(sandbox_for, tool)


def arguments_schema(tool: ToolSpec) -> dict[str, Any]:
    """The JSON Schema of a custom or docker tool's arguments."""
    if tool.type == "custom":
        return checked_config(tool, CustomConfig).args_schema
    return checked_config(tool, DockerConfig).args_schema


async def run_sandboxed(tool: ToolSpec, arguments: Mapping[str, Any]) -> Outcome:
    """One call of a custom or docker tool, its arguments checked against the tool's schema. Raises
    ArgumentsInvalid, or SandboxUnavailable when no sandbox can run it."""
    typed = checked_arguments(tool.name, arguments_schema(tool), arguments)
    sandbox = await found_sandbox(tool)
    if tool.type == "custom":
        custom = checked_config(tool, CustomConfig)
        outcome = await sandbox.run_python(custom.source, custom.function_name, typed, LIMITS)
    else:
        docker = checked_config(tool, DockerConfig)
        outcome = await sandbox.run_image(docker.image, docker.command, docker.environment, typed, LIMITS)
    sandbox_ran(sandbox.name, ok=outcome.ok, limit=outcome.limit)
    return outcome


async def sandboxed_result(tool: ToolSpec, arguments: Mapping[str, Any]) -> Outcome:
    """The outcome of a call that succeeded; any failure is a NodeError that says why."""
    try:
        outcome = await run_sandboxed(tool, arguments)
    except SandboxUnavailable as exc:
        raise unavailable(tool, exc) from None
    if not outcome.ok:
        raise failure(tool, outcome)
    return outcome
