"""API keys: sealed at rest for one tenant only, never shown, logged or audited, and used by the test call
against a real OpenAI-compatible server."""

from __future__ import annotations

import logging
import socket
import uuid
from typing import Any

import httpx
import pytest

from crewloom.db.tenancy import check_schema_name
from tests.conftest import Account, register
from tests.db.schemas import schema_of
from tests.llm.conftest import PROVIDERS, compatible, create, probe, provider_row
from tests.llm.fake_openai import GOOD_KEY, FakeOpenAI

BAD_KEY = "sk-bad-9876543210zyxwvuQRST"


async def test_the_key_is_never_shown_logged_or_audited(
    client: httpx.AsyncClient,
    account: Account,
    fake_openai: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def keep(response: httpx.Response) -> dict[str, Any]:
        assert response.status_code < 300, response.text
        seen.append(response.text)
        body: dict[str, Any] = response.json()
        return body

    created = keep(
        await client.post(PROVIDERS, json=compatible(fake_openai.base_url, BAD_KEY), headers=account.headers)
    )
    assert (created["has_api_key"], created["api_key_last4"]) == (True, "QRST")
    assert "api_key" not in created
    provider = f"{PROVIDERS}/{created['id']}"
    keep(await client.get(provider, headers=account.headers))
    keep(await client.get(PROVIDERS, headers=account.headers))
    failed = keep(await client.post(f"{provider}/test", json={}, headers=account.headers))
    assert failed["ok"] is False
    assert "Incorrect API key provided: [redacted]" in failed["error"]
    body = compatible(fake_openai.base_url, GOOD_KEY, version=1)
    replaced = keep(await client.put(provider, json=body, headers=account.headers))
    assert (replaced["has_api_key"], replaced["api_key_last4"]) == (True, "WXYZ")
    assert keep(await client.post(f"{provider}/test", json={}, headers=account.headers))["ok"] is True
    keep(await client.put(provider, json={**body, "api_key": None, "version": 2}, headers=account.headers))
    keep(await client.get("/api/v1/audit", params={"limit": 200}, headers=account.headers))

    audit = (
        await client.get("/api/v1/audit", params={"resource_type": "llm_provider"}, headers=account.headers)
    ).json()
    assert [(event["action"], event["detail"]) for event in audit["items"]] == [
        ("provider.key_change", {"change": "replaced"}),
        ("provider.key_change", {"change": "set"}),
        ("provider.create", {"name": "Local server", "type": "openai_compatible"}),
    ]
    captured = capfd.readouterr()
    everything = "\n".join([*seen, caplog.text, captured.out, captured.err])
    for key in (BAD_KEY, GOOD_KEY):
        assert key not in everything
    assert [call["key"] for call in fake_openai.calls[-2:]] == [BAD_KEY, GOOD_KEY]


async def test_the_key_is_stored_sealed(
    client: httpx.AsyncClient, account: Account, fake_openai: FakeOpenAI, database_url: str, db: Any
) -> None:
    created = await create(client, account, compatible(fake_openai.base_url, GOOD_KEY))
    row = await provider_row(db, await schema_of(database_url, account.tenant_id), created["id"])
    assert row["api_key_ciphertext"] is not None
    assert GOOD_KEY.encode() not in row["api_key_ciphertext"]
    assert row["api_key_key_id"]
    assert row["api_key_last4"] == "WXYZ"
    assert GOOD_KEY not in str(dict(row))


async def test_a_key_copied_into_another_tenant_does_not_decrypt(
    client: httpx.AsyncClient, account: Account, fake_openai: FakeOpenAI, database_url: str, db: Any
) -> None:
    original = await create(client, account, compatible(fake_openai.base_url, GOOD_KEY))
    other = await register(client, tenant_name="Thief")
    target = await create(client, other, compatible(fake_openai.base_url, BAD_KEY))
    source = await provider_row(db, await schema_of(database_url, account.tenant_id), original["id"])
    schema = check_schema_name(await schema_of(database_url, other.tenant_id))
    await db.execute(
        f'update "{schema}".llm_providers set api_key_ciphertext = $1, api_key_key_id = $2 where id = $3',  # noqa: S608
        source["api_key_ciphertext"],
        source["api_key_key_id"],
        uuid.UUID(target["id"]),
    )
    calls = len(fake_openai.calls)
    result = await probe(client, other, target["id"])
    assert result["ok"] is False
    assert result["latency_ms"] is None
    assert "cannot be used" in result["error"]
    assert "does not decrypt for this tenant" in result["error"]
    assert len(fake_openai.calls) == calls
    assert (await probe(client, account, original["id"]))["ok"] is True


async def test_the_test_call_reports_latency_or_the_providers_own_error(
    client: httpx.AsyncClient, account: Account, fake_openai: FakeOpenAI
) -> None:
    good = await create(client, account, compatible(fake_openai.base_url, GOOD_KEY))
    result = await probe(client, account, good["id"])
    assert result["ok"] is True
    assert result["reply"] == "pong"
    assert result["model"] == "tiny-model"
    assert isinstance(result["latency_ms"], int)
    assert result["latency_ms"] >= 0
    assert result["error"] is None
    request = fake_openai.calls[-1]["body"]
    assert request["model"] == "tiny-model"
    assert request["max_tokens"] <= 16
    assert len(request["messages"]) == 1

    other_model = await probe(client, account, good["id"], model="another-model")
    assert (other_model["ok"], other_model["model"], fake_openai.calls[-1]["body"]["model"]) == (
        True,
        "another-model",
        "another-model",
    )

    bad = await create(client, account, compatible(fake_openai.base_url, BAD_KEY))
    refused = await probe(client, account, bad["id"])
    assert refused["ok"] is False
    assert refused["reply"] is None
    assert "HTTP 401" in refused["error"]
    assert "Incorrect API key provided" in refused["error"]
    assert isinstance(refused["latency_ms"], int)


def _closed_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port: int = probe_socket.getsockname()[1]
    return port


async def test_unreachable_servers_and_missing_keys_are_reported(client: httpx.AsyncClient, account: Account) -> None:
    nowhere = await create(client, account, compatible(f"http://127.0.0.1:{_closed_port()}/v1", GOOD_KEY))
    result = await probe(client, account, nowhere["id"])
    assert result["ok"] is False
    assert "connect" in result["error"].lower() or "connection" in result["error"].lower()

    keyless = await create(client, account, {"name": "OpenAI", "type": "openai", "default_model": "gpt-4o-mini"})
    missing = await probe(client, account, keyless["id"])
    assert (missing["ok"], missing["latency_ms"]) == (False, None)
    assert "no API key" in missing["error"]


async def test_the_test_call_of_another_tenants_provider_is_not_found(
    client: httpx.AsyncClient, account: Account
) -> None:
    mock = (await client.get(PROVIDERS, headers=account.headers)).json()["items"][0]
    other = await register(client, tenant_name="Other")
    response = await client.post(f"{PROVIDERS}/{mock['id']}/test", json={}, headers=other.headers)
    assert response.status_code == 404
