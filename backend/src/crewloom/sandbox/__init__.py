"""Sandboxes for untrusted code (custom tools, tool images, stdio servers): never a Crewloom process.

``get_sandbox()`` is the configured backend (bubblewrap by default, Docker where an engine is configured);
when it cannot work here it raises ``SandboxUnavailable`` and nothing runs: there is no in-process fallback.
"""

from crewloom.sandbox.contract import BackendReport, LimitName, Limits, Outcome, Sandbox, SandboxUnavailable
from crewloom.sandbox.selection import bubblewrap_sandbox, diagnose, docker_sandbox, get_sandbox

__all__ = [
    "BackendReport",
    "LimitName",
    "Limits",
    "Outcome",
    "Sandbox",
    "SandboxUnavailable",
    "bubblewrap_sandbox",
    "diagnose",
    "docker_sandbox",
    "get_sandbox",
]
