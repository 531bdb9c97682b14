"""A CrewAI project exactly as ``crewai create crew`` writes it, and helpers to zip and inspect projects."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.agents.factories import provider as provider
from tests.conftest import Account

PROJECT_NAME = "latest ai news"
IMPORT_CREWAI = "/api/v1/crews/import-crewai"


@dataclass(frozen=True)
class Project:
    root: Path
    package: str

    @property
    def config(self) -> Path:
        return self.root / "src" / self.package / "config"

    def zipped(self) -> bytes:
        """The whole project folder, zipped with its top folder as ``crewai create crew`` leaves it."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(self.root.parent).as_posix())
        return buffer.getvalue()


@pytest.fixture
def crewai_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The files of `crewai create crew "latest ai news"`, rendered by the CrewAI CLI's own code (the
    interactive provider prompt, telemetry and git steps left out)."""
    from crewai_cli.create_crew import copy_template_files, create_folder_structure

    monkeypatch.chdir(tmp_path)
    folder, folder_name, class_name = create_folder_structure(PROJECT_NAME)
    copy_template_files(folder.resolve(), PROJECT_NAME, class_name, None)
    return Project(root=(tmp_path / folder).resolve(), package=folder_name)


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def make_zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


async def import_zip(client: httpx.AsyncClient, account: Account, data: bytes, **form: str) -> httpx.Response:
    return await client.post(
        IMPORT_CREWAI, files={"file": ("project.zip", data, "application/zip")}, data=form, headers=account.headers
    )


async def import_files(
    client: httpx.AsyncClient, account: Account, agents_yaml: str, tasks_yaml: str, **form: str
) -> httpx.Response:
    files = {
        "agents_yaml": ("agents.yaml", agents_yaml.encode(), "application/yaml"),
        "tasks_yaml": ("tasks.yaml", tasks_yaml.encode(), "application/yaml"),
    }
    return await client.post(IMPORT_CREWAI, files=files, data=form, headers=account.headers)
