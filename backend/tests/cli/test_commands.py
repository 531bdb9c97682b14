"""``crewloom api``, ``migrate``, ``tenants list`` and ``users reset-password`` against the test database,
and the import weight of the serving path."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import make_url

from crewloom.db.engine import async_url
from crewloom.db.migrations import runner
from tests.cli.running import CliProcess, cli_env, run_cli
from tests.conftest import register
from tests.db.schemas import drop_tenant_tables, forget_version, schema_of


def test_the_serving_path_imports_neither_crewai_nor_litellm() -> None:
    script = (
        "import sys\n"
        "import crewloom.app, crewloom.cli, crewloom.cli.serve, crewloom.cli.migrate, crewloom.cli.accounts\n"
        "from crewloom.config import Settings\n"
        "crewloom.app.create_app(Settings(database_url='postgresql://localhost/unused', secret_key='k' * 32))\n"
        "heavy = sorted(name for name in sys.modules if name.split('.')[0] in ('crewai', 'litellm'))\n"
        "print(heavy)\n"
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603
    assert finished.stdout.strip() == "[]"


def test_api_needs_a_database_url() -> None:
    finished = run_cli("api", env=cli_env())
    assert finished.returncode == 2
    assert "CREWLOOM_DATABASE_URL is not set" in finished.stderr


@pytest.fixture
def empty_database(database_url: str) -> Iterator[str]:
    url = make_url(async_url(database_url))
    empty = url.set(database=f"{url.database}_empty")
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'drop database if exists "{empty.database}" with (force)'))
    asyncio.run(run(f'create database "{empty.database}"'))
    yield empty.set(drivername="postgresql").render_as_string(hide_password=False)
    asyncio.run(run(f'drop database if exists "{empty.database}" with (force)'))


def test_api_refuses_a_database_behind_the_release(empty_database: str) -> None:
    finished = run_cli("api", env=cli_env(CREWLOOM_DATABASE_URL=empty_database))
    assert finished.returncode == 1
    assert "run `crewloom migrate`" in finished.stderr


def test_api_serves_a_migrated_database_and_stops_cleanly(database_url: str, tmp_path: Path) -> None:
    env = cli_env(CREWLOOM_DATABASE_URL=database_url, CREWLOOM_DATA_DIR=str(tmp_path))
    process = CliProcess("api", "--port", "0", env=env)
    try:
        url = process.wait_for(r"Crewloom API at (http://127\.0\.0\.1:\d+)").group(1)
        assert httpx.get(f"{url}/readyz", timeout=10).json()["status"] == "ready"
        assert process.signal(signal.SIGTERM) == 0, process.output
    finally:
        process.close()


async def test_migrate_prints_one_line_per_schema(client: httpx.AsyncClient, database_url: str) -> None:
    account = await register(client)
    schema = await schema_of(database_url, account.tenant_id)
    env = cli_env(CREWLOOM_DATABASE_URL=database_url)

    finished = await asyncio.to_thread(run_cli, "migrate", "--concurrency", "2", env=env)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    head = runner.head("tenant")
    assert re.search(rf"^public +ok +\S+ -> {runner.head('public')} +\d+ ms$", finished.stdout, re.MULTILINE)
    assert re.search(rf"^{schema} +ok +{head} -> {head} +\d+ ms$", finished.stdout, re.MULTILINE)
    assert re.search(r"schemas \(public and \d+ tenants?\): \d+ ok, 0 failed", finished.stdout)


async def test_migrate_fails_on_a_broken_schema_until_it_is_repaired(
    client: httpx.AsyncClient, database_url: str
) -> None:
    account = await register(client)
    schema = await schema_of(database_url, account.tenant_id)
    env = cli_env(CREWLOOM_DATABASE_URL=database_url)
    await forget_version(database_url, schema)

    failed = await asyncio.to_thread(run_cli, "migrate", env=env)
    assert failed.returncode == 1
    assert re.search(rf"^{schema} +failed +- -> - .*already exists", failed.stdout, re.MULTILINE)
    assert re.search(r", 1 failed in", failed.stdout)

    await drop_tenant_tables(database_url, schema)
    repaired = await asyncio.to_thread(run_cli, "migrate", env=env)
    assert repaired.returncode == 0, repaired.stdout
    assert re.search(rf"^{schema} +ok +- -> {runner.head('tenant')}", repaired.stdout, re.MULTILINE)


async def test_tenants_list_shows_each_tenant_schema(client: httpx.AsyncClient, database_url: str) -> None:
    account = await register(client, tenant_name="Listed Tenant")
    schema = await schema_of(database_url, account.tenant_id)

    finished = await asyncio.to_thread(run_cli, "tenants", "list", env=cli_env(CREWLOOM_DATABASE_URL=database_url))

    assert finished.returncode == 0, finished.stderr
    pattern = rf"^{account.tenant_id} +Listed Tenant +{schema} +{runner.head('tenant')} +ready$"
    assert re.search(pattern, finished.stdout, re.MULTILINE)


async def test_reset_password_prints_a_new_one_and_signs_out_sessions(
    client: httpx.AsyncClient, database_url: str
) -> None:
    account = await register(client)
    env = cli_env(CREWLOOM_DATABASE_URL=database_url)

    finished = await asyncio.to_thread(run_cli, "users", "reset-password", account.email.upper(), env=env)

    assert finished.returncode == 0, finished.stderr
    found = re.search(r"New password for \S+: (\S+)", finished.stdout)
    assert found
    new_password = found.group(1)
    signed_in = await client.post("/api/v1/auth/login", json={"email": account.email, "password": new_password})
    assert signed_in.status_code == 200
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert refreshed.status_code == 401


def test_reset_password_of_an_unknown_account_fails(database_url: str) -> None:
    finished = run_cli("users", "reset-password", "nobody@example.com", env=cli_env(CREWLOOM_DATABASE_URL=database_url))
    assert finished.returncode == 1
    assert "no account" in finished.stderr
