"""``crewloom keys rotate`` on a database of its own (it re-encrypts every tenant it finds), with the
command run as a real subprocess while an API server keeps serving the same database."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import make_url

from crewloom.config import Settings
from crewloom.db.engine import Database, async_url
from crewloom.db.migrations.parallel import migrate_public
from crewloom.kit.encryption import KeyRing, Sealed, configured_keys, new_master_key
from crewloom.models import Tool
from tests.cli.running import cli_env, run_cli
from tests.conftest import Account, make_settings, register
from tests.db.schemas import schema_of
from tests.llm.conftest import compatible, create, probe, provider_row
from tests.llm.fake_openai import GOOD_KEY, FakeOpenAI
from tests.server import running_server

TOOL_SECRETS = {"Authorization": "Bearer tool-secret-123"}


@dataclass
class Installation:
    url: str
    settings: Settings
    client: httpx.AsyncClient


async def _on_server(url: str, *statements: str) -> None:
    admin = make_url(async_url(url)).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
def own_database(database_url: str) -> Iterator[str]:
    url = make_url(async_url(database_url))
    name = f"{url.database}_keys"
    own = url.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    drop = f'drop database if exists "{name}" with (force)'
    asyncio.run(_on_server(own, drop, f'create database "{name}"'))
    asyncio.run(migrate_public(own))
    yield own
    asyncio.run(_on_server(own, drop))


@pytest.fixture
async def installation(own_database: str, tmp_path: Path) -> AsyncIterator[Installation]:
    settings = make_settings(own_database, tmp_path / "data")
    with running_server(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            yield Installation(own_database, settings, client)


def _rotate(installation: Installation, **env: str) -> Any:
    values = {
        "CREWLOOM_DATABASE_URL": installation.url,
        "CREWLOOM_DATA_DIR": str(installation.settings.data_dir),
        **env,
    }
    return run_cli("keys", "rotate", env=cli_env(**values))


async def _add_tool(installation: Installation, account: Account, ring: KeyRing) -> uuid.UUID:
    sealed = ring.seal(json.dumps(TOOL_SECRETS), uuid.UUID(account.tenant_id))
    tool = Tool(
        name="Search", type="http", config={}, secrets_ciphertext=sealed.ciphertext, secrets_key_id=sealed.key_id
    )
    database = Database(installation.url, pool_size=1, max_overflow=0)
    try:
        async with database.session(await schema_of(installation.url, account.tenant_id)) as session:
            session.add(tool)
            await session.commit()
    finally:
        await database.dispose()
    return tool.id


async def _sealed(installation: Installation, account: Account, table: str, row_id: str) -> Sealed:
    schema = await schema_of(installation.url, account.tenant_id)
    connection = await asyncpg.connect(installation.url)
    try:
        if table == "llm_providers":
            row = await provider_row(connection, schema, row_id)
            return Sealed(row["api_key_ciphertext"], row["api_key_key_id"])
        row = await connection.fetchrow(
            f'select secrets_ciphertext, secrets_key_id from "{schema}".tools where id = $1',  # noqa: S608
            uuid.UUID(row_id),
        )
        return Sealed(row["secrets_ciphertext"], row["secrets_key_id"])
    finally:
        await connection.close()


async def test_rotation_with_the_key_file(installation: Installation, fake_openai: FakeOpenAI) -> None:
    client = installation.client
    first, second = await register(client, tenant_name="First"), await register(client, tenant_name="Second")
    providers = [
        await create(client, account, compatible(fake_openai.base_url, GOOD_KEY)) for account in (first, second)
    ]
    old_keys = configured_keys(installation.settings)
    tool_id = await _add_tool(installation, second, KeyRing(old_keys))

    finished = await asyncio.to_thread(_rotate, installation)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    new_keys = configured_keys(installation.settings)
    assert len(new_keys) == 1
    new_id = new_keys[0][0]
    assert new_id != old_keys[0][0]
    assert f"New master key {new_id}" in finished.stdout
    assert "2 tenants: 2 ok, 0 failed; 3 secrets re-encrypted" in finished.stdout
    assert f"removed the old keys ({old_keys[0][0]})" in finished.stdout
    ring = KeyRing(new_keys)
    for account, provider in zip((first, second), providers, strict=True):
        sealed = await _sealed(installation, account, "llm_providers", provider["id"])
        assert sealed.key_id == new_id
        assert ring.open(sealed, uuid.UUID(account.tenant_id)) == GOOD_KEY
        # The running server follows the new key file without a restart.
        assert (await probe(client, account, provider["id"]))["ok"] is True
        again = (await client.get(f"/api/v1/llm-providers/{provider['id']}", headers=account.headers)).json()
        assert (again["version"], again["updated_at"]) == (provider["version"], provider["updated_at"])
    tool = await _sealed(installation, second, "tools", str(tool_id))
    assert (tool.key_id, json.loads(ring.open(tool, uuid.UUID(second.tenant_id)))) == (new_id, TOOL_SECRETS)

    created_after = await create(client, first, compatible(fake_openai.base_url, GOOD_KEY))
    assert (await _sealed(installation, first, "llm_providers", created_after["id"])).key_id == new_id

    rerun = await asyncio.to_thread(_rotate, installation)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "4 secrets re-encrypted" in rerun.stdout
    assert (await probe(client, first, created_after["id"]))["ok"] is True


async def test_a_failed_rotation_keeps_the_old_keys_and_resumes(
    installation: Installation, fake_openai: FakeOpenAI
) -> None:
    client = installation.client
    account = await register(client, tenant_name="Only")
    provider = await create(client, account, compatible(fake_openai.base_url, GOOD_KEY))
    lost = await create(client, account, compatible(fake_openai.base_url, GOOD_KEY, name="Lost key"))
    schema = await schema_of(installation.url, account.tenant_id)
    connection = await asyncpg.connect(installation.url)
    try:
        await connection.execute(
            f"update \"{schema}\".llm_providers set api_key_key_id = 'kgone' where id = $1",  # noqa: S608
            uuid.UUID(lost["id"]),
        )
        old_keys = configured_keys(installation.settings)

        failed = await asyncio.to_thread(_rotate, installation)
        assert failed.returncode == 1
        assert "its master key is not configured" in failed.stdout
        assert "old master keys kept" in failed.stderr
        kept = configured_keys(installation.settings)
        assert [key_id for key_id, _ in kept] == [kept[0][0], old_keys[0][0]]
        assert (await probe(client, account, provider["id"]))["ok"] is True

        await connection.execute(
            f'update "{schema}".llm_providers set api_key_ciphertext = null, api_key_key_id = null where id = $1',  # noqa: S608
            uuid.UUID(lost["id"]),
        )
    finally:
        await connection.close()
    resumed = await asyncio.to_thread(_rotate, installation)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"Resuming an unfinished rotation to master key {kept[0][0]}" in resumed.stdout
    assert [key_id for key_id, _ in configured_keys(installation.settings)] == [kept[0][0]]
    assert (await probe(client, account, provider["id"]))["ok"] is True


async def test_rotation_with_keys_from_the_environment(installation: Installation, fake_openai: FakeOpenAI) -> None:
    client = installation.client
    account = await register(client, tenant_name="Env")
    provider = await create(client, account, compatible(fake_openai.base_url, GOOD_KEY))
    (old_id, old_key), (new_id, new_key) = configured_keys(installation.settings)[0], new_master_key()
    spec = ",".join(
        f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in ((new_id, new_key), (old_id, old_key))
    )

    finished = await asyncio.to_thread(_rotate, installation, CREWLOOM_MASTER_KEYS=spec)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert f"remove {old_id} from CREWLOOM_MASTER_KEYS" in finished.stdout
    sealed = await _sealed(installation, account, "llm_providers", provider["id"])
    assert sealed.key_id == new_id
    assert KeyRing([(new_id, new_key)]).open(sealed, uuid.UUID(account.tenant_id)) == GOOD_KEY
    assert [key_id for key_id, _ in configured_keys(installation.settings)] == [old_id]

    broken = await asyncio.to_thread(_rotate, installation, CREWLOOM_MASTER_KEYS="nonsense")
    assert broken.returncode == 1
    assert "cannot read the master keys" in broken.stderr
