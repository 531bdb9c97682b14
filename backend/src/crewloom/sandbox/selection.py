"""Which sandbox runs here: the configured backend, checked by starting it once and cached briefly, and the
per-backend diagnosis that ``crewloom doctor`` prints."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crewloom.config import Settings, get_settings
from crewloom.sandbox.bwrap import BubblewrapSandbox
from crewloom.sandbox.contract import BackendReport, Sandbox, SandboxUnavailable

if TYPE_CHECKING:
    from crewloom.sandbox.docker import DockerSandbox

# A working backend is checked again after this long, a broken one sooner (it may just have been fixed).
WORKING_TTL_SECONDS = 60.0
BROKEN_TTL_SECONDS = 5.0


@dataclass(frozen=True)
class _Checked:
    expires: float
    sandbox: Sandbox | None
    error: SandboxUnavailable | None


_checked: dict[tuple[object, ...], _Checked] = {}
_checked_lock = threading.Lock()


def _cached(key: tuple[object, ...], check: Callable[[], Sandbox]) -> Sandbox:
    now = time.monotonic()
    with _checked_lock:
        entry = _checked.get(key)
    if entry is None or entry.expires <= now:
        try:
            entry = _Checked(now + WORKING_TTL_SECONDS, check(), None)
        except SandboxUnavailable as error:
            entry = _Checked(now + BROKEN_TTL_SECONDS, None, error)
        with _checked_lock:
            _checked[key] = entry
    if entry.sandbox is None:
        assert entry.error is not None
        raise SandboxUnavailable(str(entry.error))
    return entry.sandbox


def _checked_bubblewrap(settings: Settings) -> BubblewrapSandbox:
    sandbox = BubblewrapSandbox.from_settings(settings)
    sandbox.probe()
    return sandbox


def _checked_docker(settings: Settings) -> DockerSandbox:
    from crewloom.sandbox.docker import DockerSandbox

    sandbox = DockerSandbox.from_settings(settings)
    sandbox.check_image()
    return sandbox


def bubblewrap_sandbox(settings: Settings | None = None) -> Sandbox:
    settings = settings or get_settings()
    key = ("bubblewrap", settings.bwrap_path, settings.sandbox_python, settings.sandbox_uid)
    return _cached(key, lambda: _checked_bubblewrap(settings))


def docker_sandbox(settings: Settings | None = None) -> Sandbox:
    """The Docker backend whatever the default one is; SandboxUnavailable without an engine."""
    settings = settings or get_settings()
    key = ("docker", settings.docker_host or os.environ.get("DOCKER_HOST"), settings.sandbox_image)
    return _cached(key, lambda: _checked_docker(settings))


def get_sandbox(settings: Settings | None = None) -> Sandbox:
    """The configured backend (CREWLOOM_SANDBOX); SandboxUnavailable when it cannot work here."""
    settings = settings or get_settings()
    if settings.sandbox == "docker":
        return docker_sandbox(settings)
    return bubblewrap_sandbox(settings)


def _user_namespaces() -> str:
    """Why unprivileged user namespaces are off, or an empty string when they are on."""
    switches: dict[str, Callable[[str], bool]] = {
        "/proc/sys/user/max_user_namespaces": lambda value: value != "0",
        "/proc/sys/kernel/unprivileged_userns_clone": lambda value: value != "0",
        "/proc/sys/kernel/apparmor_restrict_unprivileged_userns": lambda value: value == "0",
    }
    for path, allows in switches.items():
        try:
            value = Path(path).read_text().strip()
        except OSError:
            continue
        if not allows(value):
            return f"user namespaces are off ({path} = {value})"
    return ""


def _diagnose_bubblewrap(settings: Settings) -> BackendReport:
    configured = settings.sandbox == "bubblewrap"
    notes: list[str] = []
    try:
        sandbox = BubblewrapSandbox.from_settings(settings)
        version = subprocess.run(  # noqa: S603 - the configured binary
            [str(sandbox.bwrap), "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
        notes.append(f"{version or 'bwrap'} at {sandbox.bwrap}")
        notes.append(
            f"runs as uid {sandbox.uid}"
            if sandbox.uid is not None
            else f"runs as uid {os.geteuid()} (not root, so it cannot switch to uid {settings.sandbox_uid})"
        )
        notes.append(f"interpreter {sandbox.python}")
        userns_off = _user_namespaces()
        notes.append(userns_off or "user namespaces on")
        sandbox.probe()
    except SandboxUnavailable as error:
        return BackendReport(
            name="bubblewrap", works=False, reason="; ".join([*notes, str(error)]), configured=configured
        )
    return BackendReport(name="bubblewrap", works=True, reason="; ".join(notes), configured=configured)


def _diagnose_docker(settings: Settings) -> BackendReport:
    configured = settings.sandbox == "docker"
    try:
        from crewloom.sandbox.docker import DockerSandbox

        sandbox = DockerSandbox.from_settings(settings)
        notes = [sandbox.describe_engine()]
        sandbox.check_image()
    except SandboxUnavailable as error:
        return BackendReport(name="docker", works=False, reason=str(error), configured=configured)
    notes.append(f"image {settings.sandbox_image} present")
    return BackendReport(name="docker", works=True, reason="; ".join(notes), configured=configured)


def diagnose(settings: Settings | None = None) -> list[BackendReport]:
    """For each backend, whether it works on this machine and why not; nothing cached."""
    settings = settings or get_settings()
    return [_diagnose_bubblewrap(settings), _diagnose_docker(settings)]
