"""The catalogue of built-in tools: served as committed, and the committed file matches crewai-tools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from crewloom.tools.catalogue_build import CATALOGUE_PATH
from tests.conftest import Account


async def test_catalogue_lists_the_working_tools_with_schemas(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get("/api/v1/tools/catalogue", headers=account.headers)
    assert response.status_code == 200
    entries = {entry["name"]: entry for entry in response.json()["items"]}
    assert {"file_read", "directory_read", "scrape_website", "serper_dev_search"} <= set(entries)
    serper = entries["serper_dev_search"]
    assert serper["settings_schema"]["properties"]["SERPER_API_KEY"]["x-secret"] is True
    assert serper["settings_schema"]["required"] == ["SERPER_API_KEY"]
    assert serper["args_schema"]["type"] == "object"
    assert entries["file_read"]["requires"] == []
    for entry in entries.values():
        assert all(entry[key] for key in ("title", "description", "class_name"))
        secret = [schema for schema in entry["settings_schema"]["properties"].values() if schema.get("x-secret")]
        assert all("default" not in schema for schema in secret)
    searches = [entry for name, entry in entries.items() if name.endswith("_search") and name != "serper_dev_search"]
    assert searches
    assert all(entry["requires"] == ["embedding_provider"] for entry in searches)


def test_committed_catalogue_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "catalogue.json"
    subprocess.run(  # noqa: S603 - our own build script, run with this interpreter
        [sys.executable, "-m", "crewloom.tools.catalogue_build", "--output", str(fresh)],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
    )
    assert fresh.read_text() == CATALOGUE_PATH.read_text(), (
        "tools/catalogue.json is stale for the installed crewai-tools: run `make catalogue` and commit the result"
    )
