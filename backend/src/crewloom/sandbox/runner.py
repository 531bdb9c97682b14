"""How the in-sandbox runner (``runner_script.py``) is started by every backend."""

from __future__ import annotations

from pathlib import Path

RUNNER_SOURCE = Path(__file__).with_name("runner_script.py").read_text()


def runner_argv(python: Path | str) -> list[str]:
    # -S -I: no site, no user directories, no environment variables; the runner comes as -c, so nothing
    # of this package has to be readable inside.
    return [str(python), "-S", "-I", "-c", RUNNER_SOURCE]
