"""``crewloom run flow.json --input topic=bees``: an exported flow, run headless, its progress shown
node by node on stderr as it happens, its outputs printed as JSON on stdout."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from crewloom.engine.problems import KnownReferences
from crewloom.engine.runtime import (
    NodeFailed,
    NodeSkipped,
    NodeStarted,
    NodeSucceeded,
    RunEvent,
    RunFailed,
    run_flow,
)
from crewloom.engine.validation import validate

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 130


def parse_pairs(pairs: list[str], what: str) -> dict[str, str]:
    """``name=value`` pairs; raises ValueError naming the one without ``=``."""
    parsed = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise ValueError(f"{what} {pair!r} is not NAME=value")
        parsed[name] = value
    return parsed


def _tool_secrets(pairs: dict[str, str]) -> dict[str, dict[str, str]]:
    secrets: dict[str, dict[str, str]] = {}
    for qualified, value in pairs.items():
        tool, dot, name = qualified.rpartition(".")
        if not dot or not tool or not name:
            raise ValueError(f"--secret {qualified!r} is not TOOL.NAME=value")
        secrets.setdefault(tool, {})[name] = value
    return secrets


class Progress:
    """One line per node as it starts, ends or is skipped; agent steps and tokens are left out."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started: dict[str, float] = {}

    async def __call__(self, event: RunEvent) -> None:
        line = self._line(event)
        if line:
            print(line, file=self._stream, flush=True)

    def _line(self, event: RunEvent) -> str | None:
        if isinstance(event, NodeStarted):
            self._started[event.node_id] = time.perf_counter()
            retry = f" (attempt {event.attempt})" if event.attempt > 1 else ""
            return f"… {event.node_id} started{retry}"
        if isinstance(event, NodeSucceeded):
            elapsed = time.perf_counter() - self._started.get(event.node_id, time.perf_counter())
            note = " (reused)" if event.reused else f" in {elapsed:.2f} s"
            return f"✓ {event.node_id} succeeded{note}"
        if isinstance(event, NodeFailed):
            again = ", retrying" if event.will_retry else ""
            return f"✗ {event.node_id} failed{again}: {event.error}"
        if isinstance(event, NodeSkipped):
            return f"- {event.node_id} skipped: {event.reason}"
        if isinstance(event, RunFailed) and event.input_problems:
            return "\n".join(f"✗ input {problem.field}: {problem.message}" for problem in event.input_problems)
        return None


async def _run(
    document: Any, inputs: dict[str, str], provider_keys: dict[str, str], tool_secrets: dict[str, dict[str, str]]
) -> int:
    from crewloom.cli.headless import DocumentResources

    resources = DocumentResources(document, provider_keys=provider_keys, tool_secrets=tool_secrets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    outcome = await run_flow(
        document.flow.graph, inputs, services=resources.services(), emit=Progress(sys.stderr), cancelled=stop
    )
    if outcome.status == "succeeded":
        print(json.dumps(outcome.outputs, indent=2, ensure_ascii=False, default=str))
        return 0
    if outcome.status == "cancelled":
        print("cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    print(f"the run failed: {outcome.error}", file=sys.stderr)
    return EXIT_USAGE if outcome.input_problems else EXIT_FAILED


def run_document(path: Path, inputs: list[str], keys: list[str], secrets: list[str]) -> int:
    from crewloom.transfer.flow_document import FlowDocument

    try:
        parsed_inputs = parse_pairs(inputs, "--input")
        provider_keys = parse_pairs(keys, "--key")
        tool_secrets = _tool_secrets(parse_pairs(secrets, "--secret"))
        document = FlowDocument.model_validate_json(path.read_bytes())
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as exc:
        print(f"{path} is not an exported flow:", file=sys.stderr)
        for error in exc.errors()[:20]:
            where = ".".join(str(part) for part in error["loc"]) or "document"
            print(f"  {where}: {error['msg']}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    known = KnownReferences(
        agents=frozenset(str(agent.ref) for agent in document.agents),
        crews=frozenset(str(crew.ref) for crew in document.crews),
        tools=frozenset(str(tool.ref) for tool in document.tools),
        providers=frozenset(str(provider.ref) for provider in document.providers),
    )
    problems = validate(document.flow.graph.stored(), known)
    if problems:
        print(f"the flow {document.flow.name!r} cannot run:", file=sys.stderr)
        for problem in problems:
            where = problem.node_id or problem.edge_id or "graph"
            print(f"  {where}: {problem.message}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_run(document, parsed_inputs, provider_keys, tool_secrets))
