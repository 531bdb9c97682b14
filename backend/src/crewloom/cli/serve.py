"""``crewloom up`` and ``crewloom api``: prepare the database, then serve the app with uvicorn."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
import uvicorn

from crewloom.cli.accounts import Login, ensure_first_admin
from crewloom.cli.database import database_url, fail, require_current_public_schema
from crewloom.cli.migrate import echo_result, tenants_behind, upgrade_public
from crewloom.config import Settings
from crewloom.db.migrations.parallel import SchemaResult, migrate_tenants
from crewloom.observability.logging import configure_logging, default_format
from crewloom.observability.metrics import shared_between_processes

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_WORKER_STARTUP_SECONDS = 60


class _Server(uvicorn.Server):
    """Announces its address once listening, and stops on SIGINT or SIGTERM like uvicorn without
    raising the signal again afterwards, so the command can shut down the embedded PostgreSQL and
    exit 0."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[str], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        original = {sig: signal.signal(sig, self.handle_exit) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            port = self.servers[0].sockets[0].getsockname()[1]
            host = self.config.host
            self._on_started(f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}")  # noqa: S104


def _serve_app(
    settings: Settings, host: str, port: int, on_started: Callable[[str], None], log_config: dict[str, Any]
) -> int:
    from crewloom.app import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_config=log_config,
        lifespan="on",
        timeout_graceful_shutdown=_requests_grace(settings),
    )
    server = _Server(config, on_started)
    asyncio.run(server.serve())
    return 0 if server.started else 1


def _requests_grace(settings: Settings) -> int:
    """How long a stopping server waits for its open requests (event streams end at once): half the shutdown
    deadline, the rest is for the executions the in-process dispatcher runs."""
    return max(1, round(settings.shutdown_seconds / 2))


async def _prepare(url: str, concurrency: int) -> Login | None:
    """Migrate, then make sure an administrator exists; None when the public schema cannot migrate.
    A tenant schema that fails is reported and refused by the API while the others are served."""
    public = await upgrade_public(url)
    if not public.ok:
        echo_result(public)
        return None

    def report(result: SchemaResult) -> None:
        if not result.ok:
            echo_result(result)

    if await tenants_behind(url):
        await migrate_tenants(url, concurrency=concurrency, on_result=report)
    return await ensure_first_admin(url)


def _banner(url: str, login: Login, settings: Settings) -> None:
    typer.echo("")
    typer.secho(f"Crewloom is running at {url}", bold=True)
    typer.echo(f"  email:    {login.email}")
    if login.password is not None:
        typer.echo(f"  password: {login.password}")
        typer.echo("  The password is shown only this once; keep it somewhere safe.")
    else:
        typer.echo("  password: printed at the first start")
        typer.echo(f"  Forgot it? Run `crewloom users reset-password {login.email}`")
    where = "CREWLOOM_DATABASE_URL" if settings.database_url else f"embedded PostgreSQL in {settings.data_dir}"
    typer.echo(f"  data:     {where}")
    typer.echo("Press Ctrl+C to stop.")


def run_up(host: str, port: int) -> int:
    settings = Settings()
    log_config = configure_logging(*default_format(settings, local=True))
    # Until uvicorn takes over, SIGTERM interrupts like Ctrl+C, so the embedded server still stops.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with database_url(settings, owner=True) as url:
            login = asyncio.run(_prepare(url, settings.migrate_concurrency))
            if login is None:
                return 1
            served = settings.model_copy(update={"database_url": url})
            code = _serve_app(served, host, port, lambda address: _banner(address, login, settings), log_config)
    except KeyboardInterrupt:
        code = 0
    typer.echo("Crewloom stopped.")
    return code


def run_api(host: str, port: int, workers: int) -> int:
    settings = Settings()
    if not settings.database_url:
        raise fail(
            "CREWLOOM_DATABASE_URL is not set. `crewloom api` serves a real PostgreSQL server; "
            "use `crewloom up` for the embedded one.",
            code=2,
        )
    log_config = configure_logging(*default_format(settings, local=False))
    require_current_public_schema(settings.database_url)
    if workers > 1:
        # Each worker process builds its app from the same environment, and logs and counts like the others.
        with shared_between_processes():
            uvicorn.run(
                "crewloom.app:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_config=log_config,
                timeout_graceful_shutdown=_requests_grace(settings),
                # A new process imports the whole app before it can answer its first health check, which
                # takes longer than uvicorn's 5 s on a busy machine: it would be killed and started again.
                timeout_worker_healthcheck=_WORKER_STARTUP_SECONDS,
            )
        return 0
    return _serve_app(settings, host, port, lambda address: typer.echo(f"Crewloom API at {address}"), log_config)
