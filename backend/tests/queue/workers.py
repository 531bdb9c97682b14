"""Celery worker subprocesses for the queue tests, their output collected line by line."""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

from tests.cli.running import CliProcess, cli_env

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


class WorkerProcess(CliProcess):
    """A worker of the queue tests' own runner (tests.queue.worker_process) named ``name``."""

    def __init__(self, name: str, env: dict[str, str], *, concurrency: int = 2) -> None:
        super().__init__(
            name, str(concurrency), env=env, program=[sys.executable, "-m", "tests.queue.worker_process"], cwd=BACKEND
        )
        self.name = name

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        self.wait_for(rf"{re.escape(self.name)}@queue-tests ready\.", timeout)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)

    def stop(self) -> int:
        """SIGTERM, then the exit code once the worker finished what it was running."""
        return self.signal(signal.SIGTERM)
