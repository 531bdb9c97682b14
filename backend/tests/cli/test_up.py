"""``crewloom up`` on a fresh data directory: embedded PostgreSQL, first login, clean stops, recovery."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.cli.running import CliProcess, cli_env, postgres_pids, stop_postgres, wait_until_gone

URL = r"Crewloom is running at (http://127\.0\.0\.1:\d+)"
PASSWORD = r"password: (\S+)\n"
ADMIN = "admin@crewloom.local"


@dataclass
class DataDir:
    path: Path

    @property
    def pgdata(self) -> Path:
        return self.path.resolve() / "pgdata"

    def up(self) -> tuple[CliProcess, str]:
        """``crewloom up`` on a free port, once it announced its address."""
        process = CliProcess("up", "--port", "0", env=cli_env(CREWLOOM_DATA_DIR=str(self.path)))
        return process, process.wait_for(URL).group(1)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[DataDir]:
    data = DataDir(tmp_path / "data")
    yield data
    stop_postgres(data.pgdata)


def _signs_in(url: str, password: str) -> bool:
    response = httpx.post(f"{url}/api/v1/auth/login", json={"email": ADMIN, "password": password}, timeout=30)
    return response.status_code == 200


def _healthy(url: str) -> bool:
    return httpx.get(f"{url}/healthz", timeout=10).status_code == 200


def test_first_start_prints_a_login_and_later_starts_reuse_the_data(data_dir: DataDir) -> None:
    first, url = data_dir.up()
    try:
        password = first.wait_for(PASSWORD).group(1)
        assert ADMIN in first.output
        assert _healthy(url)
        assert _signs_in(url, password)
        assert postgres_pids(data_dir.pgdata)
        assert first.signal(signal.SIGINT) == 0, first.output
    finally:
        first.close()
    assert wait_until_gone(data_dir.pgdata) == []
    assert not (data_dir.pgdata / "postmaster.pid").exists()

    second, url = data_dir.up()
    try:
        assert ADMIN in second.output
        assert password not in second.output
        assert "printed at the first start" in second.output
        assert "crewloom users reset-password" in second.output
        assert _signs_in(url, password)
        assert second.signal(signal.SIGTERM) == 0, second.output
    finally:
        second.close()
    assert wait_until_gone(data_dir.pgdata) == []


def test_a_killed_up_leaves_postgres_behind_and_the_next_start_reuses_it(data_dir: DataDir) -> None:
    killed, _ = data_dir.up()
    try:
        password = killed.wait_for(PASSWORD).group(1)
        left_behind = postgres_pids(data_dir.pgdata)
        assert killed.signal(signal.SIGKILL) == -signal.SIGKILL
    finally:
        killed.close()
    assert postgres_pids(data_dir.pgdata) == left_behind

    again, url = data_dir.up()
    try:
        assert _signs_in(url, password)
        assert again.signal(signal.SIGINT) == 0, again.output
    finally:
        again.close()
    assert wait_until_gone(data_dir.pgdata) == []


def _pid_of_finished() -> int:
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return process.pid


@pytest.mark.parametrize("owner", ["dead process", "another live process"])
def test_a_stale_postmaster_pid_is_recovered(data_dir: DataDir, owner: str) -> None:
    first, _ = data_dir.up()
    try:
        first.wait_for(PASSWORD)
        pid_file = (data_dir.pgdata / "postmaster.pid").read_text().splitlines()
        assert first.signal(signal.SIGINT) == 0, first.output
    finally:
        first.close()
    assert wait_until_gone(data_dir.pgdata) == []

    # After a crash or a reboot the recorded pid is gone, or names an unrelated process.
    stale_pid = _pid_of_finished() if owner == "dead process" else 1
    (data_dir.pgdata / "postmaster.pid").write_text("\n".join([str(stale_pid), *pid_file[1:]]) + "\n")

    again, url = data_dir.up()
    try:
        assert _healthy(url)
        assert again.signal(signal.SIGINT) == 0, again.output
    finally:
        again.close()
    assert wait_until_gone(data_dir.pgdata) == []
