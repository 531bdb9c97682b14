"""``crewloom worker``: run executions handed out through Redis, next to any number of other workers."""

from __future__ import annotations

from crewloom.cli.database import fail, require_current_public_schema
from crewloom.config import Settings
from crewloom.observability.logging import configure_worker_logging, default_format
from crewloom.observability.metrics import serve_worker_metrics
from crewloom.observability.tracing import configure_tracing


def run_worker(concurrency: int, hostname: str | None) -> int:
    settings = Settings()
    configure_worker_logging(*default_format(settings, local=False))
    if not settings.redis_url:
        raise fail(
            "CREWLOOM_REDIS_URL is not set. Workers take executions from Redis; "
            "`crewloom up` runs them in its own process instead.",
            code=2,
        )
    if not settings.database_url:
        raise fail(
            "CREWLOOM_DATABASE_URL is not set. Workers share the API's PostgreSQL server; "
            "point them at the same database.",
            code=2,
        )
    require_current_public_schema(settings.database_url)

    from crewloom.executions.runner import build_hooks, build_runner
    from crewloom.queue import start_worker

    serve_worker_metrics(settings.metrics_port)
    configure_tracing(settings, "crewloom-worker")
    start_worker(
        settings, runner_factory=build_runner, hooks_factory=build_hooks, concurrency=concurrency, hostname=hostname
    )
    return 0
