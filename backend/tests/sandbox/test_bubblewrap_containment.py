"""Hostile tools in the bubblewrap sandbox: each is contained, this process lives on, and the outcome names
the limit that stopped it or shows the attempt failed."""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

import pytest

from crewloom.sandbox import Limits, Sandbox
from crewloom.sandbox.contract import SANDBOX_ENVIRONMENT, SANDBOX_TMP

LIMITS = Limits(wall_seconds=20, cpu_seconds=10)


def _host_processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _exists(path: Path) -> bool:
    return path.exists()


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


async def test_a_fork_bomb_hits_the_process_limit(bubblewrap: Sandbox) -> None:
    source = "import os\ndef bomb():\n    while True:\n        os.fork()\n"
    outcome = await bubblewrap.run_python(source, None, {}, Limits(wall_seconds=20, processes=16))
    assert outcome.limit == "processes"
    assert outcome.error is not None
    assert outcome.error.startswith("the tool started too many processes (limit 16)")


async def test_a_fork_bomb_does_not_starve_other_calls(bubblewrap: Sandbox) -> None:
    # The process limit counts within each sandbox's user namespace, not across everything uid 65534 runs.
    source = (
        "import os, time\n"
        "def hold():\n"
        "    children = 0\n"
        "    try:\n"
        "        while True:\n"
        "            if os.fork() == 0:\n"
        "                time.sleep(60)\n"
        "                os._exit(0)\n"
        "            children += 1\n"
        "    except BlockingIOError:\n"
        "        time.sleep(3)\n"
        "    return children\n"
    )
    bomb = asyncio.create_task(bubblewrap.run_python(source, None, {}, LIMITS))
    await asyncio.sleep(1)
    others = await asyncio.gather(
        *(bubblewrap.run_python("def f():\n    return 1\n", None, {}, LIMITS) for _ in range(4))
    )
    assert [outcome.result for outcome in others] == [1, 1, 1, 1]
    held = await bomb
    assert held.ok, held.error
    assert LIMITS.processes - 4 <= held.result < LIMITS.processes


async def test_allocating_10_gb_runs_out_of_memory(bubblewrap: Sandbox) -> None:
    source = "def hog():\n    block = bytearray(10 * 1024 ** 3)\n    return len(block)\n"
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert outcome.limit == "memory"
    assert outcome.error == "the tool ran out of memory (limit 512 MB)"


async def test_an_endless_loop_hits_the_cpu_limit(bubblewrap: Sandbox) -> None:
    outcome = await bubblewrap.run_python(
        "def spin():\n    while True:\n        pass\n", None, {}, Limits(cpu_seconds=1)
    )
    assert outcome.limit == "cpu_time"
    assert outcome.error == "the tool used more than its CPU time (limit 1 s)"


async def test_ignoring_sigxcpu_still_ends_at_the_hard_cpu_limit(bubblewrap: Sandbox) -> None:
    source = (
        "import signal\ndef spin():\n    signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n    while True:\n        pass\n"
    )
    outcome = await bubblewrap.run_python(source, None, {}, Limits(cpu_seconds=1))
    assert outcome.limit == "cpu_time"


async def test_sleeping_forever_hits_the_wall_time_and_leaves_no_process(bubblewrap: Sandbox) -> None:
    marker = f"{secrets.randbelow(10**6)}.{secrets.randbelow(10**6)}"
    # The tool hides a child in its own session; it must die with the sandbox all the same.
    source = (
        "import subprocess, time\n"
        f"def wait():\n    subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n    time.sleep(3600)\n"
    )
    outcome = await bubblewrap.run_python(source, None, {}, Limits(wall_seconds=1.5))
    assert outcome.limit == "wall_time"
    assert outcome.error == "the tool ran longer than 1.5 s and was stopped"
    assert outcome.duration_ms >= 1500
    assert _host_processes_with(marker) == []


async def test_a_gigabyte_on_stdout_is_cut_at_the_output_limit(bubblewrap: Sandbox) -> None:
    source = "import sys\ndef flood():\n    for _ in range(1024):\n        sys.stdout.write('x' * 1024 * 1024)\n"
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert outcome.limit == "output"
    assert outcome.error == "the tool's stdout is larger than the limit (1 MB); it was stopped"
    assert outcome.stdout == "x" * 1024 * 1024 + "\n[output truncated at 1 MB]"


async def test_filling_tmp_hits_the_file_size_limit(bubblewrap: Sandbox) -> None:
    source = (
        "def fill():\n"
        "    for number in range(100):\n"
        "        with open(f'/tmp/part-{number}', 'wb') as part:\n"
        "            part.write(b'x' * 1024 * 1024)\n"
    )
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert outcome.limit == "file_size"
    assert outcome.error is not None
    assert outcome.error.startswith("the tool wrote too much to a file or /tmp (limit 16 MB)")


async def test_one_big_file_hits_the_file_size_limit(bubblewrap: Sandbox) -> None:
    source = "def big():\n    open('/tmp/big', 'wb').write(b'x' * 64 * 1024 * 1024)\n"
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert outcome.limit == "file_size"
    assert outcome.error is not None
    assert "File too large" in outcome.error


async def test_opening_too_many_files_hits_the_open_files_limit(bubblewrap: Sandbox) -> None:
    source = "def hoard():\n    return [open('/dev/null') for _ in range(1000)]\n"
    outcome = await bubblewrap.run_python(source, None, {}, Limits(open_files=64))
    assert outcome.limit == "open_files"
    assert outcome.error is not None
    assert outcome.error.startswith("the tool opened too many files (limit 64)")


async def test_no_secret_of_the_worker_is_visible(
    bubblewrap: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    canary = "canary-" + secrets.token_hex(16)
    monkeypatch.setenv("CREWLOOM_TEST_CANARY_SECRET", canary)
    secret_file = tmp_path / "tenant-secret"
    secret_file.write_text(canary)
    source = (
        "import os\n"
        "def snoop(path):\n"
        "    seen = {'environ': dict(os.environ)}\n"
        "    for name in ('/etc/shadow', '/proc/1/environ', '/proc/self/environ', path):\n"
        "        try:\n"
        "            with open(name, 'rb') as file:\n"
        "                seen[name] = file.read().decode(errors='replace')\n"
        "        except OSError as error:\n"
        "            seen[name] = f'{type(error).__name__}: {error.strerror}'\n"
        "    seen['processes'] = [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "    return seen\n"
    )
    outcome = await bubblewrap.run_python(source, None, {"path": str(secret_file)}, LIMITS)
    assert outcome.ok, outcome.error
    seen = outcome.result
    assert canary not in str(seen)
    assert seen["environ"] == {**SANDBOX_ENVIRONMENT, "PWD": SANDBOX_TMP}
    assert seen["/etc/shadow"] == "FileNotFoundError: No such file or directory"
    assert seen[str(secret_file)] == "FileNotFoundError: No such file or directory"
    # Only the sandbox's own processes: its init and the tool.
    assert len(seen["processes"]) <= 3


async def test_the_tool_runs_as_nobody_without_capabilities(bubblewrap: Sandbox) -> None:
    source = (
        "import os\n"
        "def who():\n"
        "    lines = open('/proc/self/status').read().splitlines()\n"
        "    status = dict(line.split(':\\t', 1) for line in lines if ':\\t' in line)\n"
        "    return {'uid': os.getuid(), 'euid': os.geteuid(), 'cap_eff': status['CapEff'].strip(),\n"
        "            'no_new_privs': status['NoNewPrivs'].strip(), 'root': sorted(os.listdir('/'))}\n"
    )
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert outcome.ok, outcome.error
    if os.geteuid() == 0:
        assert outcome.result["uid"] == 65534
        assert outcome.result["euid"] == 65534
    assert outcome.result["cap_eff"] == "0000000000000000"
    assert outcome.result["no_new_privs"] == "1"
    assert not {"root", "home", "work", "var", "run"} & set(outcome.result["root"])


@pytest.mark.parametrize("address", [("127.0.0.1", 5432), ("127.0.0.1", 6379), ("169.254.169.254", 80)])
async def test_there_is_no_network(bubblewrap: Sandbox, address: tuple[str, int]) -> None:
    source = (
        "import socket\n"
        "def connect(host, port):\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=3).close()\n"
        "    except OSError as error:\n"
        "        return f'{type(error).__name__}: {error.strerror}'\n"
        "    return 'connected'\n"
    )
    outcome = await bubblewrap.run_python(source, None, {"host": address[0], "port": address[1]}, LIMITS)
    assert outcome.ok, outcome.error
    assert outcome.result in ("ConnectionRefusedError: Connection refused", "OSError: Network is unreachable")


async def test_ctypes_system_touches_nothing_on_the_host(bubblewrap: Sandbox) -> None:
    marker = Path(f"/tmp/host-marker-{secrets.token_hex(8)}")  # noqa: S108 - the host's /tmp is the point
    source = (
        "import ctypes, os\n"
        "def escape(path):\n"
        "    status = ctypes.CDLL(None).system(f'touch {path}'.encode())\n"
        "    return {'status': status, 'inside': os.path.exists(path)}\n"
    )
    try:
        outcome = await bubblewrap.run_python(source, None, {"path": str(marker)}, LIMITS)
        assert outcome.ok, outcome.error
        # It ran, in the sandbox's private /tmp.
        assert outcome.result == {"status": 0, "inside": True}
        assert not _exists(marker)
    finally:
        _remove(marker)


async def test_a_subclasses_walk_finds_nothing_to_escape_with(bubblewrap: Sandbox, tmp_path: Path) -> None:
    secret_file = tmp_path / "host-only"
    secret_file.write_text("host secret")
    source = (
        "def walk(path):\n"
        "    found = {}\n"
        "    for cls in ().__class__.__base__.__subclasses__():\n"
        "        scope = getattr(getattr(cls, '__init__', None), '__globals__', None) or {}\n"
        "        if 'system' in scope and 'listdir' in scope:\n"
        "            found['root'] = sorted(scope['listdir']('/'))\n"
        "            try:\n"
        "                found['read'] = scope['read'](scope['open'](path, scope['O_RDONLY']), 100).decode()\n"
        "            except OSError as error:\n"
        "                found['read'] = error.strerror\n"
        "            found['system'] = scope['system']('cat /etc/shadow /proc/1/root/etc/shadow 2>/dev/null')\n"
        "            break\n"
        "    return found\n"
    )
    outcome = await bubblewrap.run_python(source, None, {"path": str(secret_file)}, LIMITS)
    assert outcome.ok, outcome.error
    assert outcome.result["read"] == "No such file or directory"
    assert outcome.result["system"] != 0
    assert "work" not in outcome.result["root"]
    assert "host secret" not in outcome.stdout


async def test_killing_its_parent_and_itself_leaves_the_host_standing(bubblewrap: Sandbox) -> None:
    source = (
        "import os, signal\n"
        "def kill():\n"
        "    os.kill(os.getppid(), signal.SIGKILL)\n"
        "    try:\n"
        "        os.kill(-1, signal.SIGKILL)\n"
        "    except ProcessLookupError:\n"
        "        pass\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert not outcome.ok
    assert outcome.error == "the tool was killed by SIGKILL"
    after = await bubblewrap.run_python("def f():\n    return 'still serving'\n", None, {}, LIMITS)
    assert after.result == "still serving"


async def test_the_system_is_read_only(bubblewrap: Sandbox) -> None:
    source = "def scribble():\n    open('/usr/bin/evil', 'w')\n"
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert outcome.error == "the tool raised OSError: [Errno 30] Read-only file system: '/usr/bin/evil'"
