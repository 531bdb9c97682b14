"""Custom tools and tool images in the Docker sandbox, on an engine of the test session's own."""

from __future__ import annotations

import pytest

from crewloom.config import Settings
from crewloom.sandbox import Limits, Sandbox, SandboxUnavailable, get_sandbox

LIMITS = Limits(wall_seconds=30, cpu_seconds=10)


async def test_a_function_returning_a_dict(docker_backend: Sandbox) -> None:
    source = "def add(a, b):\n    print('adding', a, b)\n    return {'sum': a + b}\n"
    outcome = await docker_backend.run_python(source, None, {"a": 2, "b": 3}, LIMITS)
    assert outcome.ok, (outcome.error, outcome.stderr)
    assert outcome.result == {"sum": 5}
    assert outcome.stdout == "adding 2 3\n"


def test_get_sandbox_gives_the_configured_docker_backend(docker_settings: Settings) -> None:
    assert get_sandbox(docker_settings).name == "docker"


async def test_a_function_that_raises(docker_backend: Sandbox) -> None:
    outcome = await docker_backend.run_python("def f():\n    raise KeyError('k')\n", None, {}, LIMITS)
    assert outcome.error == "the tool raised KeyError: 'k'"


async def test_there_is_no_network(docker_backend: Sandbox) -> None:
    source = (
        "import socket\n"
        "def connect():\n"
        "    results = []\n"
        "    for address in [('127.0.0.1', 5432), ('127.0.0.1', 6379), ('169.254.169.254', 80)]:\n"
        "        try:\n"
        "            socket.create_connection(address, timeout=3).close()\n"
        "            results.append('connected')\n"
        "        except OSError as error:\n"
        "            results.append(error.strerror)\n"
        "    return results\n"
    )
    outcome = await docker_backend.run_python(source, None, {}, LIMITS)
    assert outcome.ok, outcome.error
    assert "connected" not in outcome.result


async def test_the_memory_limit_holds(docker_backend: Sandbox) -> None:
    source = "def hog():\n    block = bytearray(2 * 1024 ** 3)\n    return len(block)\n"
    outcome = await docker_backend.run_python(source, None, {}, Limits(memory_bytes=128 * 1024 * 1024))
    assert outcome.limit == "memory"
    assert outcome.error is not None
    assert outcome.error.startswith("the tool ran out of memory (limit 128 MB)")


async def test_sleeping_forever_hits_the_wall_time(docker_backend: Sandbox) -> None:
    outcome = await docker_backend.run_python(
        "import time\ndef f():\n    time.sleep(3600)\n", None, {}, Limits(wall_seconds=2)
    )
    assert outcome.limit == "wall_time"
    assert outcome.error == "the tool ran longer than 2 s and was stopped"


async def test_the_root_is_read_only_and_tmp_is_capped(docker_backend: Sandbox) -> None:
    source = (
        "import os\n"
        "def write():\n"
        "    results = {'uid': os.getuid()}\n"
        "    try:\n"
        "        open('/usr/evil', 'w')\n"
        "    except OSError as error:\n"
        "        results['root'] = error.strerror\n"
        "    with open('/tmp/fine', 'w') as file:\n"
        "        file.write('ok')\n"
        "    return results\n"
    )
    outcome = await docker_backend.run_python(source, None, {}, LIMITS)
    assert outcome.result == {"uid": 65534, "root": "Read-only file system"}
    filling = "def fill():\n    open('/tmp/big', 'wb').write(b'x' * 64 * 1024 * 1024)\n"
    filled = await docker_backend.run_python(filling, None, {}, LIMITS)
    assert filled.limit == "file_size"


async def test_a_fork_bomb_hits_the_process_limit(docker_backend: Sandbox) -> None:
    source = "import os\ndef bomb():\n    while True:\n        os.fork()\n"
    outcome = await docker_backend.run_python(source, None, {}, Limits(wall_seconds=30, processes=16))
    assert outcome.limit == "processes"


async def test_an_image_reads_arguments_on_stdin_and_answers_json(
    docker_backend: Sandbox, docker_settings: Settings
) -> None:
    command = [
        "/usr/bin/python3",
        "-c",
        "import json, os, sys; a = json.load(sys.stdin); print(json.dumps([a, os.environ['GREETING']]))",
    ]
    outcome = await docker_backend.run_image(
        docker_settings.sandbox_image, command, {"GREETING": "hi"}, {"x": 1}, LIMITS
    )
    assert outcome.ok, (outcome.error, outcome.stderr)
    assert outcome.result == [{"x": 1}, "hi"]


async def test_an_image_whose_output_is_not_json(docker_backend: Sandbox, docker_settings: Settings) -> None:
    outcome = await docker_backend.run_image(
        docker_settings.sandbox_image, ["/usr/bin/python3", "-c", "print('hello')"], {}, {}, LIMITS
    )
    assert outcome.error == "the tool's output is not JSON: 'hello\\n'"


async def test_an_image_that_is_not_here_is_never_pulled(docker_backend: Sandbox) -> None:
    with pytest.raises(SandboxUnavailable, match="is not present"):
        await docker_backend.run_image("crewloom-no-such-image:latest", ["true"], {}, {}, LIMITS)
