"""The ``crewloom`` command as a real subprocess: its output read as it comes, its postgres found by pid."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

CREWLOOM = str(Path(sys.executable).with_name("crewloom"))
STARTUP_SECONDS = 120.0


def cli_env(**values: str) -> dict[str, str]:
    """The test's environment without any Crewloom setting, plus ``values``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CREWLOOM_")}
    env.update(PYTHONUNBUFFERED="1", **values)
    return env


def run_cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [CREWLOOM, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


class CliProcess:
    """A long-running command (``up``, ``api``, ``worker``) whose combined output is collected line by line;
    ``program`` replaces the ``crewloom`` executable (a test's own entry point, run from ``cwd``)."""

    def __init__(
        self, *args: str, env: dict[str, str], program: list[str] | None = None, cwd: Path | None = None
    ) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [*(program or [CREWLOOM]), *args],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_for(self, pattern: str, timeout: float = STARTUP_SECONDS) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output)
            if found:
                return found
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                found = re.search(pattern, self.output)
                if found:
                    return found
                raise AssertionError(f"exited with {self.process.returncode} before {pattern!r}:\n{self.output}")
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.output}")

    def signal(self, sig: signal.Signals) -> int:
        self.process.send_signal(sig)
        if sig == signal.SIGKILL:
            return self.process.wait(timeout=30)
        code = self.process.wait(timeout=60)
        self._reader.join(timeout=5)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def postgres_pids(pgdata: Path) -> list[int]:
    """Live postgres server processes started on ``pgdata`` (the postmaster names it on its command line)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if state != "Z" and Path(argv[0]).name == "postgres" and str(pgdata) in argv:
            pids.append(int(entry.name))
    return pids


def wait_until_gone(pgdata: Path, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := postgres_pids(pgdata)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def stop_postgres(pgdata: Path) -> None:
    """Fast shutdown of whatever a failed test left running on ``pgdata``."""
    for pid in postgres_pids(pgdata):
        os.kill(pid, signal.SIGINT)
    wait_until_gone(pgdata)
