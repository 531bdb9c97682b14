"""The program that runs a custom tool inside the sandbox, started as ``python3 -S -I -c <this source>``.

Standard library only, never imports crewloom: it runs under whatever interpreter the sandbox has. It reads
``{"source", "function_name", "arguments", "processes", "result_fd" | "result_marker"}`` as JSON on stdin,
calls the tool's function with the arguments and writes one report ``{"ok": true, "result": ...}`` or
``{"ok": false, "error": "...", "limit": ...}`` on a channel of its own, so that what the tool prints stays
its stdout: the pipe ``result_fd`` (bubblewrap), or after ``result_marker`` at the end of stdout (Docker,
whose attach stream has no third channel).
"""

from __future__ import annotations

import errno
import os
import resource
import sys
import types

# Not `typing.TYPE_CHECKING`: importing typing would cost as much as the rest of the start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

TOOL_FILENAME = "<tool>"
LIMIT_OF_ERRNO = {
    errno.EAGAIN: "processes",
    errno.EMFILE: "open_files",
    errno.ENFILE: "open_files",
    errno.EFBIG: "file_size",
    errno.ENOSPC: "file_size",
}


STARTED = b"+"
JSON_WHITESPACE = " \t\n\r"


def json_codec() -> tuple[Callable[[str], Any], Callable[[Any], str]]:
    """``loads`` and a strict ``dumps`` on the C accelerator alone: the json package imports re, which
    would cost more than the rest of the start-up. The plain package where the accelerator differs."""
    try:
        import _json

        class Options:
            strict = True
            object_hook = None
            object_pairs_hook = None
            parse_float = float
            parse_int = int
            parse_constant = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.__getitem__

        scan = _json.make_scanner(Options())  # type: ignore[arg-type]  # any object with these attributes

        def loads(text: str) -> Any:
            value, end = scan(text, len(text) - len(text.lstrip(JSON_WHITESPACE)))
            if text[end:].strip(JSON_WHITESPACE):
                raise ValueError("extra data after the JSON value")
            return value

        def refuse(value: Any) -> Any:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

        def dumps(value: Any) -> str:
            encode = _json.make_encoder({}, refuse, _json.encode_basestring, None, ":", ",", False, False, False)
            return "".join(encode(value, 0))

        dumps({"probe": [1.5, None, True, "é"]})
    except (ImportError, AttributeError, TypeError):
        import json

        return json.loads, lambda value: json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return loads, dumps


loads_json, dumps_json = json_codec()


class ToolFailure(Exception):
    """A failure to report as the tool's error, with the limit it hit if any."""

    def __init__(self, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit


def classify(error: BaseException) -> ToolFailure:
    if isinstance(error, MemoryError):
        return ToolFailure("", "memory")
    if isinstance(error, OSError) and error.errno in LIMIT_OF_ERRNO:
        return ToolFailure(f"the tool raised {type(error).__name__}: {error}", LIMIT_OF_ERRNO[error.errno])
    if isinstance(error, SystemExit):
        return ToolFailure(f"the tool called exit({error.code!r}) instead of returning")
    return ToolFailure(f"the tool raised {type(error).__name__}: {error}")


def load_function(source: str, function_name: str | None) -> Any:
    try:
        code = compile(source, TOOL_FILENAME, "exec")
    except SyntaxError as error:
        raise ToolFailure(f"the tool's source does not compile: {error.msg} (line {error.lineno})") from None
    namespace: dict[str, Any] = {"__name__": "__tool__"}
    exec(code, namespace)  # noqa: S102 - this is the sandbox; the code is the tool
    if function_name is not None:
        function = namespace.get(function_name)
        if not callable(function):
            raise ToolFailure(f"the tool's source defines no function named {function_name!r}")
        return function
    # Functions written at the top level of the source itself (not imported, not lambdas).
    defined = [
        value
        for value in namespace.values()
        if isinstance(value, types.FunctionType)
        and value.__code__.co_filename == TOOL_FILENAME
        and value.__qualname__ == value.__name__ != "<lambda>"
    ]
    if len(defined) != 1:
        names = ", ".join(sorted(function.__name__ for function in defined)) or "none"
        raise ToolFailure(
            f"the tool's source must define exactly one top-level function when no function name is set "
            f"(found: {names})"
        )
    return defined[0]


def call(request: dict[str, Any]) -> bytes:
    function = load_function(request["source"], request.get("function_name"))
    result = function(**request["arguments"])
    if isinstance(result, types.CoroutineType):
        import asyncio  # only async tools pay for it

        result = asyncio.run(result)
    try:
        encoded = dumps_json(result).encode()
    except (TypeError, ValueError, RecursionError) as error:
        raise ToolFailure(f"the tool's output is not JSON: {error}") from None
    return b'{"ok":true,"result":' + encoded + b"}"


def open_channel(request: dict[str, Any]) -> tuple[int, bytes]:
    """The descriptor the report goes to, hidden from the tool's subprocesses, and what precedes it. On a
    pipe of its own the runner first says it started, so the host tells a sandbox that never came up
    from a tool that died."""
    if "result_fd" in request:
        channel = int(request["result_fd"])
        os.set_inheritable(channel, False)
        write_all(channel, STARTED)
        return channel, b""
    return os.dup(1), b"\n" + request["result_marker"].encode()


def write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def main() -> None:
    request = loads_json(sys.stdin.buffer.read().decode())
    # Counted within the sandbox's own user namespace, so one tool cannot starve the others of processes.
    resource.setrlimit(resource.RLIMIT_NPROC, (request["processes"], request["processes"]))
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    channel, preamble = open_channel(request)
    main_pid = os.getpid()
    try:
        report = call(request)
    except BaseException as error:  # every failure of the tool is reported
        failure = error if isinstance(error, ToolFailure) else classify(error)
        if os.getpid() == main_pid and not isinstance(error, ToolFailure):
            import traceback  # only failures pay for it

            # From the tool's own frames on: the runner's are noise to whoever wrote the tool.
            frames = error.__traceback__
            while frames is not None and frames.tb_frame.f_code.co_filename != TOOL_FILENAME:
                frames = frames.tb_next
            traceback.print_exception(type(error), error, frames or error.__traceback__)
        report = dumps_json({"ok": False, "error": str(failure), "limit": failure.limit}).encode()
    if os.getpid() != main_pid:
        # A process the tool forked came back through here: only the tool's own process reports.
        os._exit(0)
    sys.stdout.flush()
    sys.stderr.flush()
    write_all(channel, preamble + report)


if __name__ == "__main__":
    main()
