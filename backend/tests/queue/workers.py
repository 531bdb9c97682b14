"""Celery worker subprocesses for the queue tests, their output collected line by line."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.cli.running import cli_env

BACKEND = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60.0


def worker_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    """Short leases and a quick reaper, so a dead worker's execution is taken over within seconds."""
    return cli_env(
        PYTHONPATH=str(BACKEND),
        CREWLOOM_DATABASE_URL=database_url,
        CREWLOOM_REDIS_URL=redis_url,
        CREWLOOM_DATA_DIR=str(data_dir),
        CREWLOOM_LEASE_SECONDS="2",
        CREWLOOM_HEARTBEAT_SECONDS="0.3",
        CREWLOOM_REAPER_INTERVAL_SECONDS="0.5",
        CREWLOOM_MAX_CLAIMS="3",
    )


class WorkerProcess:
    def __init__(self, name: str, env: dict[str, str], *, concurrency: int = 2) -> None:
        self.name = name
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.queue.worker_process", name, str(concurrency)],
            cwd=BACKEND,
            env=env,
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

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        pattern = re.compile(rf"{re.escape(self.name)}@queue-tests ready\.")
        while not pattern.search(self.output):
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                raise AssertionError(f"worker {self.name} exited with {self.process.returncode}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"worker {self.name} not ready within {timeout} s:\n{self.output}")
            time.sleep(0.05)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code once the worker finished what it was running."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
