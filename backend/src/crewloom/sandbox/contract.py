"""What every sandbox backend offers: the limits of one run, its outcome, and the backend protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

# The sandbox's own private tmpfs, not the host's.
SANDBOX_TMP = "/tmp"  # noqa: S108
# The whole environment of sandboxed code: never the worker's, which holds secrets.
SANDBOX_ENVIRONMENT = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": SANDBOX_TMP, "LANG": "C.UTF-8"}

LimitName = Literal["wall_time", "cpu_time", "memory", "processes", "open_files", "file_size", "output"]


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What one tool call may use; the defaults suit a tool call."""

    wall_seconds: float = 30.0
    cpu_seconds: int = 30
    memory_bytes: int = 512 * 1024 * 1024
    processes: int = 64
    open_files: int = 256
    # Also the size of the private /tmp.
    file_size_bytes: int = 16 * 1024 * 1024
    # For stdout and stderr each; past it the run is stopped and the output truncated with a marker.
    output_bytes: int = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """How a run ended. ``ok`` when the function returned and its result is JSON (then in ``result``);
    otherwise ``error`` says why, and ``limit`` names the limit hit, if one was."""

    ok: bool
    result: Any
    error: str | None
    stdout: str
    stderr: str
    duration_ms: float
    limit: LimitName | None


class SandboxUnavailable(Exception):
    """No sandbox of this kind can run here; the message names the backend and the reason."""


@dataclass(frozen=True, kw_only=True)
class BackendReport:
    """Whether one backend works on this machine, and why not (for ``crewloom doctor``)."""

    name: str
    works: bool
    reason: str
    configured: bool = False


class Sandbox(Protocol):
    @property
    def name(self) -> str:
        """ "bubblewrap" or "docker"."""
        ...

    async def run_python(
        self, source: str, function_name: str | None, arguments: dict[str, Any], limits: Limits
    ) -> Outcome:
        """Call ``function_name`` (or the source's only function) with ``arguments`` in a fresh sandbox."""
        ...

    async def run_image(
        self, image: str, command: list[str], environment: dict[str, str], arguments: dict[str, Any], limits: Limits
    ) -> Outcome:
        """Run a container image with ``arguments`` as JSON on stdin, its stdout read as the JSON result."""
        ...

    def stdio_command(self, argv: list[str], limits: Limits) -> list[str]:
        """A host command line that runs ``argv`` inside the sandbox with stdin and stdout passed through."""
        ...
