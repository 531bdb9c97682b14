"""One error shape everywhere, and no 500 for bad client input."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from crewloom.config import Settings


async def test_unknown_route_is_a_404_in_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not Found"}


async def test_validation_errors_name_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/register", json={"email": "not-an-email", "password": "x"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    fields = {problem["field"] for problem in body["detail"]}
    assert {"email", "password"} <= fields


async def test_malformed_json_is_a_422_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_declared_oversized_body_is_413(client: httpx.AsyncClient, settings: Settings) -> None:
    payload = b"x" * (settings.max_body_bytes + 1)
    response = await client.post("/api/v1/auth/login", content=payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_streamed_oversized_body_is_413(client: httpx.AsyncClient, settings: Settings) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        chunk = b" " * 65_536
        for _ in range(settings.max_body_bytes // len(chunk) + 2):
            yield chunk

    response = await client.post("/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_wrong_method_is_405_in_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/auth/login")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


async def test_unknown_paths_answer_404_to_every_method_but_a_page_get(client: httpx.AsyncClient) -> None:
    for method, path in (("POST", "/nowhere"), ("DELETE", "/agents"), ("POST", "/api/v1/nowhere")):
        response = await client.request(method, path)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"] == "not_found"
    page = await client.get("/agents")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
