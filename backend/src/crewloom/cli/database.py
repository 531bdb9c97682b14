"""Which database a command works on: CREWLOOM_DATABASE_URL, or the embedded PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.ext.asyncio import create_async_engine

from crewloom.config import Settings
from crewloom.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
from crewloom.db.engine import async_url
from crewloom.db.migrations import runner
from crewloom.health.repository import public_schema_version


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@contextmanager
def database_url(settings: Settings, *, owner: bool = False) -> Iterator[str]:
    """The configured URL; otherwise the embedded server under the data directory, started for the
    duration of the block or shared with the ``crewloom up`` that runs on it. Only an ``owner``
    (``crewloom up``) creates the embedded database, and it must be the only one."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.data_dir)
    if not owner and not embedded.initialized:
        raise fail(
            f"there is no Crewloom database in {embedded.data_dir} yet: run `crewloom up` first, "
            "or set CREWLOOM_DATABASE_URL"
        )
    try:
        url = embedded.start(exclusive=owner)
    except EmbeddedPostgresError as exc:
        raise fail(str(exc)) from exc
    try:
        yield url
    finally:
        embedded.stop()


async def public_version(url: str) -> str | None:
    engine = create_async_engine(async_url(url), pool_size=1, max_overflow=0)
    try:
        return await public_schema_version(engine)
    finally:
        await engine.dispose()


def require_current_public_schema(url: str) -> None:
    """Refuse to work on a database whose shared tables are not at this release's head."""
    try:
        version = asyncio.run(public_version(url))
    except Exception as exc:
        raise fail(f"cannot reach the database: {type(exc).__name__}: {exc}") from exc
    expected = runner.head("public")
    if version != expected:
        raise fail(
            f"the database schema is at {version or 'nothing'}, this release needs {expected}: "
            "run `crewloom migrate` first"
        )
