"""Checking a custom tool's Python source by parsing it into a syntax tree and reading that tree. The
source is never compiled to code, imported or run here: custom tools only ever run in the sandbox."""

from __future__ import annotations

import ast
from typing import Any

_FIELD = "config.source"


def _problem(message: str, line: int | None = None, column: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"field": _FIELD, "message": message}
    if line is not None:
        found.update(line=line, column=column or 0)
    return found


def check_source(source: str, function_name: str | None) -> tuple[str | None, list[dict[str, Any]]]:
    """The function the tool calls (the named one, or the only top-level one) and the problems found."""
    try:
        tree = ast.parse(source, filename="<tool>", mode="exec")
    except SyntaxError as exc:
        return None, [_problem(f"syntax error: {exc.msg}", exc.lineno or 1, exc.offset)]
    except (ValueError, RecursionError, MemoryError) as exc:
        # Null bytes, or nesting deeper than the parser can follow.
        return None, [_problem(f"cannot be parsed: {exc}")]
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    if function_name is not None:
        if function_name not in names:
            return None, [{"field": "config.function_name", "message": f"no top-level function named {function_name}"}]
        return function_name, []
    if len(names) != 1:
        found = ", ".join(names) or "none"
        return None, [_problem(f"must define exactly one top-level function, or name one in function_name ({found})")]
    return names[0], []
