from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import REDIS_URL, make_settings
from tests.server import running_server


async def test_alive(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


async def test_ready_without_redis_configured(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "current"}}


async def test_ready_checks_redis_when_configured(database_url: str, tmp_path: Path) -> None:
    with running_server(make_settings(database_url, tmp_path, redis_url=REDIS_URL)) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "ok"


async def test_not_ready_when_redis_is_unreachable(database_url: str, tmp_path: Path) -> None:
    with running_server(make_settings(database_url, tmp_path, redis_url="redis://127.0.0.1:1/0")) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["redis"].startswith("unreachable")
    assert body["checks"]["database"] == "ok"


async def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings = make_settings("postgresql://postgres@127.0.0.1:1/nowhere", tmp_path)
    with running_server(settings) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unreachable")
