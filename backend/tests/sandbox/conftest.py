"""Sandboxes for the tests: bubblewrap as configured here, and a private Docker engine when ``dockerd`` can
run (started for the session with no bridge and no iptables, its state in a temporary directory)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from docker.errors import DockerException

from crewloom.config import Settings
from crewloom.sandbox import Sandbox, SandboxUnavailable, bubblewrap_sandbox, docker_sandbox
from crewloom.sandbox.docker_image import build_python_image

ENGINE_START_SECONDS = 60.0
ENGINE_STOP_SECONDS = 30.0


@pytest.fixture(scope="session")
def bubblewrap() -> Sandbox:
    try:
        return bubblewrap_sandbox(Settings(sandbox="bubblewrap"))
    except SandboxUnavailable as error:
        pytest.skip(f"bubblewrap cannot run here: {error}")


def _wait_for_engine(process: subprocess.Popen[bytes], url: str, log: Path) -> str | None:
    """None once the engine answers, else why it will not."""
    deadline = time.monotonic() + ENGINE_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"dockerd exited with {process.returncode}: {log.read_text()[-2000:]}"
        try:
            client = docker.DockerClient(base_url=url, timeout=5)
        except DockerException:
            time.sleep(0.2)
            continue
        try:
            client.ping()
            return None
        except DockerException:
            time.sleep(0.2)
        finally:
            client.close()
    return f"dockerd did not answer within {ENGINE_START_SECONDS:g} s: {log.read_text()[-2000:]}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=ENGINE_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[str]:
    """The URL of a Docker engine of this session's own."""
    dockerd = shutil.which("dockerd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/bin")
    if dockerd is None:
        pytest.skip("no Docker engine: dockerd is not installed (apt-get install docker.io)")
    if os.geteuid() != 0:
        pytest.skip("no Docker engine: dockerd needs root")
    # Short: a unix socket path must fit in 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="crewloom-dockerd-", dir="/tmp"))
    url = f"unix://{root}/docker.sock"
    log = root / "dockerd.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [
                dockerd,
                "--bridge=none",
                "--iptables=false",
                "--ip6tables=false",
                f"--data-root={root}/data",
                f"--exec-root={root}/exec",
                f"--pidfile={root}/docker.pid",
                "-H",
                url,
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        failure = _wait_for_engine(process, url, log)
        if failure is not None:
            pytest.skip(f"no Docker engine: {failure}")
        yield url
    finally:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def docker_settings(docker_engine: str) -> Settings:
    settings = Settings(sandbox="docker", docker_host=docker_engine, sandbox_image="crewloom-sandbox-test:latest")
    build_python_image(settings)
    return settings


@pytest.fixture(scope="session")
def docker_backend(docker_settings: Settings) -> Sandbox:
    return docker_sandbox(docker_settings)
