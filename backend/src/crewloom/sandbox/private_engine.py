"""A Docker engine of one's own, for a machine that has ``dockerd`` but no engine running (the test suite and
the sandbox benchmark): no bridge and no iptables, so it needs no network setup, its state in a temporary
directory removed when it stops. It can run only images built locally; nothing can be pulled."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docker
from docker.errors import DockerException

from crewloom.sandbox.contract import SandboxUnavailable

ENGINE_START_SECONDS = 60.0
ENGINE_STOP_SECONDS = 30.0


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


@contextmanager
def private_engine() -> Iterator[str]:
    """The URL of a new engine, stopped on leaving; SandboxUnavailable says why none can start here."""
    dockerd = shutil.which("dockerd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/bin")
    if dockerd is None:
        raise SandboxUnavailable("no Docker engine: dockerd is not installed (apt-get install docker.io)")
    if os.geteuid() != 0:
        raise SandboxUnavailable("no Docker engine: dockerd needs root")
    # Short: a unix socket path must fit in 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="crewloom-dockerd-", dir="/tmp"))
    url = f"unix://{root}/docker.sock"
    log = root / "dockerd.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
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
            raise SandboxUnavailable(f"no Docker engine: {failure}")
        yield url
    finally:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)
