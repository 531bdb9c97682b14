"""Registration: an account, its first workspace with the user as admin, and a session, at once."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.auth.conftest import bearer
from tests.conftest import PASSWORD, unique_email

REGISTER = "/api/v1/auth/register"


async def test_register_answers_user_tenant_role_and_tokens(client: httpx.AsyncClient) -> None:
    email = unique_email("Ada")
    response = await client.post(
        REGISTER, json={"email": email, "password": PASSWORD, "display_name": "Ada", "tenant_name": "Analytical"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["user"]["email"] == email.lower()
    assert body["user"]["display_name"] == "Ada"
    assert set(body["user"]) == {"id", "email", "display_name", "created_at"}
    assert body["tenant"]["name"] == "Analytical"
    assert body["tenant_id"] == body["tenant"]["id"]
    assert body["role"] == "admin"
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    assert body["access_token"]
    assert body["refresh_token"]
    me = await client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["tenant"] == body["tenant"]


@pytest.mark.parametrize(
    ("display_name", "expected"), [("Grace Hopper", "Grace Hopper's workspace"), ("", "{local}'s workspace")]
)
async def test_workspace_name_defaults_to_the_owner(
    client: httpx.AsyncClient, display_name: str, expected: str
) -> None:
    email = unique_email("owner")
    response = await client.post(REGISTER, json={"email": email, "password": PASSWORD, "display_name": display_name})
    assert response.status_code == 201, response.text
    assert response.json()["tenant"]["name"] == expected.format(local=email.partition("@")[0])


@pytest.mark.parametrize("variant", [str.lower, str.upper, str.title])
async def test_duplicate_email_in_any_case_is_a_409(client: httpx.AsyncClient, variant: Callable[[str], str]) -> None:
    email = unique_email("dup")
    first = await client.post(REGISTER, json={"email": email, "password": PASSWORD})
    assert first.status_code == 201, first.text
    again = await client.post(REGISTER, json={"email": variant(email), "password": PASSWORD})
    assert again.status_code == 409, again.text
    assert again.json() == {
        "error": "conflict",
        "detail": {"field": "email", "message": "an account with this email already exists"},
    }


async def test_a_refused_registration_leaves_no_account(client: httpx.AsyncClient) -> None:
    email = unique_email("nothing")
    refused = await client.post(REGISTER, json={"email": email, "password": PASSWORD, "tenant_name": "\x00"})
    assert refused.status_code == 422
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "short77"}, "password"),
        ({"password": "p" * 129}, "password"),
        ({}, "password"),
        ({"password": PASSWORD, "email": "not-an-email"}, "email"),
        ({"password": PASSWORD, "email": "two@@example.com"}, "email"),
        ({"password": PASSWORD, "display_name": "bell\x07"}, "display_name"),
        ({"password": PASSWORD, "tenant_name": "   "}, "tenant_name"),
        ({"password": PASSWORD, "tenant_name": "t" * 201}, "tenant_name"),
    ],
    ids=["7-chars", "129-chars", "no-password", "bad-email", "double-at", "control-char", "blank-name", "long-name"],
)
async def test_invalid_registrations_are_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, str], field: str
) -> None:
    response = await client.post(REGISTER, json={"email": unique_email(), **body})
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["error"] == "validation_error"
    assert field in {problem["field"] for problem in payload["detail"]}


async def test_password_of_128_characters_is_accepted(client: httpx.AsyncClient) -> None:
    email = unique_email("long")
    response = await client.post(REGISTER, json={"email": email, "password": "p" * 128})
    assert response.status_code == 201, response.text
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": "p" * 128})
    assert login.status_code == 200, login.text
