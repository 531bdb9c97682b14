"""Custom tools in the bubblewrap sandbox: results, prints, arguments, and every way a tool can fail."""

from __future__ import annotations

import pytest

from crewloom.sandbox import Limits, Sandbox

LIMITS = Limits(wall_seconds=20, cpu_seconds=10)


async def test_a_function_returning_a_dict(bubblewrap: Sandbox) -> None:
    source = "def lookup(city, days=1):\n    return {'city': city.title(), 'days': days, 'temps': [20.5] * days}\n"
    outcome = await bubblewrap.run_python(source, None, {"city": "lyon", "days": 2}, LIMITS)
    assert outcome.ok, outcome.error
    assert outcome.result == {"city": "Lyon", "days": 2, "temps": [20.5, 20.5]}
    assert outcome.error is None
    assert outcome.limit is None
    assert outcome.duration_ms > 0


async def test_prints_land_in_stdout_and_stderr_not_in_the_result(bubblewrap: Sandbox) -> None:
    source = (
        "import sys\n"
        "def shout(text):\n"
        "    print('working on', text)\n"
        "    print('a warning', file=sys.stderr)\n"
        "    return text.upper()\n"
    )
    outcome = await bubblewrap.run_python(source, None, {"text": "héllo"}, LIMITS)
    assert outcome.ok, outcome.error
    assert outcome.result == "HÉLLO"
    assert outcome.stdout == "working on héllo\n"
    assert outcome.stderr == "a warning\n"


async def test_arguments_arrive_as_json_values(bubblewrap: Sandbox) -> None:
    source = "def echo(**arguments):\n    return {name: [type(v).__name__, v] for name, v in arguments.items()}\n"
    arguments = {"text": "a\nb", "number": 3, "ratio": 0.5, "flag": True, "nothing": None, "items": [1, {"k": "v"}]}
    outcome = await bubblewrap.run_python(source, None, arguments, LIMITS)
    assert outcome.ok, outcome.error
    assert outcome.result == {
        "text": ["str", "a\nb"],
        "number": ["int", 3],
        "ratio": ["float", 0.5],
        "flag": ["bool", True],
        "nothing": ["NoneType", None],
        "items": ["list", [1, {"k": "v"}]],
    }


async def test_the_named_function_is_called_among_several(bubblewrap: Sandbox) -> None:
    source = "def helper(x):\n    return x * 2\n\ndef main(x):\n    return helper(x) + 1\n"
    outcome = await bubblewrap.run_python(source, "main", {"x": 20}, LIMITS)
    assert outcome.result == 41


async def test_an_async_function_is_awaited(bubblewrap: Sandbox) -> None:
    source = "import asyncio\nasync def later(x):\n    await asyncio.sleep(0.01)\n    return x\n"
    outcome = await bubblewrap.run_python(source, None, {"x": "done"}, LIMITS)
    assert outcome.result == "done"


async def test_a_function_that_raises_is_a_tool_error_with_its_traceback(bubblewrap: Sandbox) -> None:
    source = "def check(value):\n    raise ValueError(f'bad value {value}')\n"
    outcome = await bubblewrap.run_python(source, None, {"value": 7}, LIMITS)
    assert not outcome.ok
    assert outcome.result is None
    assert outcome.error == "the tool raised ValueError: bad value 7"
    assert outcome.limit is None
    assert 'File "<tool>", line 2, in check' in outcome.stderr


async def test_a_result_that_is_not_json_is_a_tool_error(bubblewrap: Sandbox) -> None:
    outcome = await bubblewrap.run_python("def f():\n    return {1, 2}\n", None, {}, LIMITS)
    assert not outcome.ok
    assert outcome.error is not None
    assert outcome.error.startswith("the tool's output is not JSON: Object of type set is not JSON serializable")


@pytest.mark.parametrize("value", ["float('nan')", "float('inf')"])
async def test_non_finite_numbers_are_not_json(bubblewrap: Sandbox, value: str) -> None:
    outcome = await bubblewrap.run_python(f"def f():\n    return [{value}]\n", None, {}, LIMITS)
    assert outcome.error is not None
    assert outcome.error.startswith("the tool's output is not JSON")


async def test_garbage_on_the_result_channel_is_not_json(bubblewrap: Sandbox) -> None:
    # A tool that finds the runner's channel can only spoil its own result.
    source = (
        "import os\n"
        "def f():\n"
        "    for name in os.listdir('/proc/self/fd'):\n"
        "        if int(name) > 2:\n"
        "            try:\n"
        "                os.write(int(name), b'not json')\n"
        "            except OSError:\n"
        "                pass\n"
        "    os._exit(0)\n"
    )
    outcome = await bubblewrap.run_python(source, None, {}, LIMITS)
    assert not outcome.ok
    assert outcome.error is not None
    assert outcome.error.startswith("the tool's output is not JSON")


@pytest.mark.parametrize(
    ("source", "function_name", "error"),
    [
        ("x = 1\n", None, "the tool's source must define exactly one top-level function when no function name is set"),
        ("def a():\n    pass\ndef b():\n    pass\n", None, "(found: a, b)"),
        ("def a():\n    pass\n", "b", "the tool's source defines no function named 'b'"),
        ("def broken(:\n", None, "the tool's source does not compile: invalid syntax (line 1)"),
        ("import no_such_module\ndef f():\n    pass\n", None, "the tool raised ModuleNotFoundError"),
        ("def f():\n    raise SystemExit(3)\n", None, "the tool called exit(3) instead of returning"),
        ("import os\ndef f():\n    os._exit(4)\n", None, "the tool exited with status 4 without returning a result"),
    ],
)
async def test_sources_that_give_no_result_are_clear_tool_errors(
    bubblewrap: Sandbox, source: str, function_name: str | None, error: str
) -> None:
    outcome = await bubblewrap.run_python(source, function_name, {}, LIMITS)
    assert not outcome.ok
    assert outcome.error is not None
    assert error in outcome.error


async def test_wrong_arguments_are_a_tool_error(bubblewrap: Sandbox) -> None:
    outcome = await bubblewrap.run_python("def f(a):\n    return a\n", None, {"b": 1}, LIMITS)
    assert outcome.error is not None
    assert outcome.error.startswith("the tool raised TypeError: ")
    assert "unexpected keyword argument 'b'" in outcome.error


async def test_calls_run_side_by_side(bubblewrap: Sandbox) -> None:
    import asyncio

    source = "import time\ndef f(n):\n    time.sleep(0.2)\n    return n\n"
    outcomes = await asyncio.gather(*(bubblewrap.run_python(source, None, {"n": n}, LIMITS) for n in range(6)))
    assert [outcome.result for outcome in outcomes] == list(range(6))
