"""A Celery worker for the queue tests, run as ``python -m tests.queue.worker_process NAME CONCURRENCY``:
the real ``start_worker`` (settings from the CREWLOOM_ environment) with the recording runner and hooks."""

from __future__ import annotations

import sys

from crewloom.config import Settings
from crewloom.queue import start_worker
from tests.queue.recording import RecordingHooks, RecordingRunner


def main() -> None:
    name, concurrency = sys.argv[1], int(sys.argv[2])
    start_worker(
        Settings(),
        runner_factory=lambda database, settings: RecordingRunner(database, name),
        hooks_factory=lambda settings: RecordingHooks(),
        concurrency=concurrency,
        hostname=f"{name}@queue-tests",
    )


if __name__ == "__main__":
    main()
