"""Readiness: the database answers, Redis answers when configured, the public schema is at head."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.db.migrations.runner import head
from crewloom.health.repository import public_schema_version
from crewloom.health.schemas import Readiness

_CHECK_TIMEOUT_SECONDS = 2.0


async def _database_check(database: Database) -> dict[str, str]:
    try:
        version = await asyncio.wait_for(public_schema_version(database.engine), _CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        return {"database": f"unreachable: {type(exc).__name__}"}
    migrations = "current" if version == head("public") else f"behind (at {version}, expected {head('public')})"
    return {"database": "ok", "migrations": migrations}


async def _redis_check(url: str) -> str:
    client = Redis.from_url(url, socket_connect_timeout=_CHECK_TIMEOUT_SECONDS)
    try:
        await asyncio.wait_for(client.ping(), _CHECK_TIMEOUT_SECONDS)
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
    finally:
        await client.aclose()


async def readiness(settings: Settings, database: Database) -> Readiness:
    checks = await _database_check(database)
    if settings.redis_url:
        checks["redis"] = await _redis_check(settings.redis_url)
    ready = all(value in ("ok", "current") for value in checks.values())
    return Readiness(status="ready" if ready else "not_ready", checks=checks)
