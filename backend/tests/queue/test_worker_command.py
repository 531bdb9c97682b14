"""``crewloom worker``: refused without Redis or a database, and a real worker that stops cleanly."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.cli.running import CliProcess, cli_env, run_cli
from tests.conftest import REDIS_URL


def test_a_worker_needs_redis(queue_database_url: str) -> None:
    finished = run_cli("worker", env=cli_env(CREWLOOM_DATABASE_URL=queue_database_url))
    assert finished.returncode == 2
    assert "CREWLOOM_REDIS_URL is not set" in finished.stderr


def test_a_worker_needs_a_database_server() -> None:
    finished = run_cli("worker", env=cli_env(CREWLOOM_REDIS_URL=REDIS_URL))
    assert finished.returncode == 2
    assert "CREWLOOM_DATABASE_URL is not set" in finished.stderr


def test_a_worker_starts_and_stops_on_sigterm(queue_database_url: str, tmp_path: Path) -> None:
    env = cli_env(
        CREWLOOM_DATABASE_URL=queue_database_url, CREWLOOM_REDIS_URL=REDIS_URL, CREWLOOM_DATA_DIR=str(tmp_path)
    )
    process = CliProcess("worker", "--concurrency", "1", "--hostname", "cli-worker@queue-tests", env=env)
    try:
        process.wait_for(r"cli-worker@queue-tests ready\.")
        assert process.signal(signal.SIGTERM) == 0, process.output
    finally:
        process.close()
