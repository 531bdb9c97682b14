"""Choosing a sandbox: a missing one fails closed (nothing runs, least of all here), and stdio commands."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from crewloom.config import Settings
from crewloom.sandbox import Limits, Outcome, Sandbox, SandboxUnavailable, docker_sandbox, get_sandbox
from crewloom.sandbox.bwrap import BubblewrapSandbox


def _marking_source(marker: Path) -> str:
    return f"import pathlib\ndef mark():\n    pathlib.Path({str(marker)!r}).write_text('ran')\n    return 1\n"


def _run_as_a_caller_would(settings: Settings, source: str) -> Outcome:
    return asyncio.run(get_sandbox(settings).run_python(source, None, {}, Limits()))


def test_a_missing_bwrap_binary_fails_closed(tmp_path: Path) -> None:
    marker = tmp_path / "ran-in-process"
    settings = Settings(sandbox="bubblewrap", bwrap_path=tmp_path / "missing" / "bwrap")
    with pytest.raises(SandboxUnavailable, match=r"^bubblewrap: CREWLOOM_BWRAP_PATH=.*/missing/bwrap does not exist$"):
        _run_as_a_caller_would(settings, _marking_source(marker))
    assert not marker.exists()


async def test_a_bwrap_binary_gone_after_the_check_fails_closed(tmp_path: Path) -> None:
    marker = tmp_path / "ran-in-process"
    sandbox = BubblewrapSandbox(tmp_path / "gone" / "bwrap", Path("/usr/bin/python3"), None)
    with pytest.raises(SandboxUnavailable, match=r"^bubblewrap: the sandbox did not start: "):
        await sandbox.run_python(_marking_source(marker), None, {}, Limits())
    assert not marker.exists()


def test_a_missing_interpreter_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(SandboxUnavailable, match=r"the sandbox interpreter .* does not exist"):
        get_sandbox(Settings(sandbox="bubblewrap", sandbox_python=tmp_path / "python3"))


def test_docker_without_an_engine_is_unavailable(tmp_path: Path) -> None:
    settings = Settings(sandbox="docker", docker_host=f"unix://{tmp_path}/no-engine.sock")
    with pytest.raises(SandboxUnavailable, match=r"^docker: no engine reachable at unix://"):
        get_sandbox(settings)
    with pytest.raises(SandboxUnavailable, match=r"^docker: no engine reachable"):
        docker_sandbox(settings)


async def test_bubblewrap_runs_no_images(bubblewrap: Sandbox) -> None:
    with pytest.raises(SandboxUnavailable, match="bubblewrap cannot run container images"):
        await bubblewrap.run_image("alpine", ["true"], {}, {}, Limits())


def test_a_stdio_command_runs_inside_with_stdin_and_stdout_passed_through(bubblewrap: Sandbox) -> None:
    program = (
        "import os, socket, sys\n"
        "line = sys.stdin.readline()\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 5432), timeout=3)\n"
        "    network = 'connected'\n"
        "except OSError as error:\n"
        "    network = error.strerror\n"
        "print(line.strip().upper(), os.getuid() != 0, network, sorted(os.environ), flush=True)\n"
    )
    command = bubblewrap.stdio_command(["/usr/bin/python3", "-S", "-I", "-c", program], Limits())
    finished = subprocess.run(  # noqa: S603 - the sandbox's own command line
        command, input="hello over stdio\n", capture_output=True, text=True, timeout=60, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "HELLO OVER STDIO True Connection refused ['HOME', 'LANG', 'PATH', 'PWD']\n"
