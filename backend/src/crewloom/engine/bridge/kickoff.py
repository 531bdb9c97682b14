"""One kickoff in its worker thread: the crew built, run, and its outcome or the error that stopped it.
Imports CrewAI: loaded only in a worker thread."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from crewloom.engine.bridge.build import build_crew
from crewloom.engine.bridge.session import KickoffSession
from crewloom.engine.bridge.specs import CrewSpec
from crewloom.engine.runtime.context import NodeError
from crewloom.engine.runtime.events import Usage
from crewloom.engine.tools import Stopped, quiet_worker_thread


@dataclass(frozen=True)
class KickoffResult:
    output: Any
    tasks: dict[str, Any]
    usage: Usage


def _failure(error: Exception, session: KickoffSession) -> Exception:
    if session.failure is not None:
        return session.failure
    if isinstance(error, Stopped | NodeError) or session.link.closed:
        return error
    return NodeError(f"the crew failed: {type(error).__name__}: {error}")


def kickoff(spec: CrewSpec, inputs: Mapping[str, str] | None, session: KickoffSession) -> KickoffResult:
    """Blocking; ``inputs`` fill the crew's {placeholders}, None leaves its text as it is."""
    quiet_worker_thread()
    try:
        crew = build_crew(spec, session)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise NodeError(f"CrewAI refused the crew {spec.name!r}: {problem['msg']}", retryable=False) from None
    try:
        crew.kickoff(inputs=dict(inputs) if inputs is not None else None)
    except Exception as exc:
        raise _failure(exc, session) from None
    final = spec.tasks[-1].key
    return KickoffResult(output=session.task_outputs.get(final), tasks=dict(session.task_outputs), usage=session.usage)
