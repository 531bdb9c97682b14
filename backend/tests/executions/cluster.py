"""A small cluster for the worker tests: a Redis server of their own (so it can be stopped mid-run), an
API that dispatches through it, and `crewloom worker` processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.cli.running import CliProcess, cli_env


@dataclass
class Workers:
    env: dict[str, str]
    running: dict[str, CliProcess] = field(default_factory=dict)

    def start(self, name: str, concurrency: int = 3) -> CliProcess:
        worker = CliProcess("worker", "--concurrency", str(concurrency), "--hostname", name, env=self.env)
        self.running[name] = worker
        worker.wait_for(r"ready", timeout=120)
        return worker

    def close(self) -> None:
        for worker in self.running.values():
            worker.close()


@contextmanager
def running_workers(env: dict[str, str]) -> Iterator[Workers]:
    workers = Workers(env=cli_env(**env))
    try:
        yield workers
    finally:
        workers.close()
