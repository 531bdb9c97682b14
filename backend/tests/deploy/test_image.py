"""The image: the Dockerfile's stages and user, and the entrypoint's choice of process (run in bash against a
stand-in `crewloom` that prints what it was given)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from crewloom import app
from tests.deploy.rendering import DEPLOY, REPOSITORY

# Continued lines joined, one instruction a line.
DOCKERFILE = re.sub(r"\\\n\s*", "", (DEPLOY / "Dockerfile").read_text())
ENTRYPOINT = DEPLOY / "entrypoint.sh"
BASH = shutil.which("bash")
# Prints its arguments one a line, then exits with $FAKE_STATUS.
FAKE_CREWLOOM = '#!/bin/sh\nfor argument in "$@"; do echo "$argument"; done\nexit "${FAKE_STATUS:-0}"\n'


def _stages() -> list[tuple[str, str]]:
    """(image, stage name) of every FROM."""
    return re.findall(r"^FROM (\S+) AS (\S+)$", DOCKERFILE, flags=re.MULTILINE)


def _instructions(keyword: str) -> list[str]:
    return re.findall(rf"^{keyword} (.+)$", DOCKERFILE, flags=re.MULTILINE)


def test_every_base_image_is_pinned_to_a_full_version() -> None:
    assert len(_stages()) == len(_instructions("FROM")) == 3
    for image, _ in _stages():
        tag = image.partition(":")[2]
        assert re.match(r"\d+\.\d+\.\d+-", tag), image
        assert "latest" not in image


def test_the_runtime_shares_the_backend_stage_python_within_the_project_range() -> None:
    stages = dict((name, image) for image, name in _stages())
    assert stages["backend"] == stages["runtime"], "the environment links to the backend stage's interpreter"
    version = re.match(r"python:(\d+)\.(\d+)\.\d+-slim-", stages["runtime"])
    assert version is not None
    minor = int(version.group(2))
    requirement = tomllib.loads((REPOSITORY / "backend" / "pyproject.toml").read_text())["project"]["requires-python"]
    bounds = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", requirement)
    assert bounds is not None, requirement
    low, high = int(bounds.group(1)), int(bounds.group(2))
    assert int(version.group(1)) == 3
    assert low <= minor < high


def test_the_image_builds_from_the_lock_files() -> None:
    runs = _instructions("RUN")
    assert "npm ci --no-audit --no-fund" in runs
    assert "npm run build" in runs
    assert any(run.startswith("uv sync --frozen --no-dev") for run in runs)
    assert any("bubblewrap" in run for run in runs)


def test_the_ui_lands_where_the_api_serves_it_from() -> None:
    """The API serves <checkout>/frontend/dist beside backend/src; the image keeps that layout under /app."""
    assert app._UI_BUILD == REPOSITORY / "frontend" / "dist"
    assert Path(app.__file__).resolve().is_relative_to(REPOSITORY / "backend" / "src")
    copies = _instructions("COPY")
    assert "--from=backend /app/backend /app/backend" in copies
    assert "--from=ui /app/frontend/dist /app/frontend/dist" in copies


def test_the_image_runs_as_the_same_non_root_uid_as_the_pods() -> None:
    (user,) = _instructions("USER")
    uid = int(user.split(":")[0])
    assert uid > 0
    assert f"--uid {uid}" in DOCKERFILE
    api = next(yaml.safe_load_all((DEPLOY / "kubernetes" / "base" / "api.yaml").read_text()))
    assert api["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == uid


def test_the_entrypoint_is_executable_and_runs_under_tini() -> None:
    assert ENTRYPOINT.stat().st_mode & stat.S_IXUSR
    assert _instructions("ENTRYPOINT") == ['["/usr/bin/tini", "--", "crewloom-entrypoint"]']
    assert _instructions("CMD") == ['["api"]']
    ignored = (REPOSITORY / ".dockerignore").read_text().splitlines()
    assert {"**/node_modules", "**/.venv", "frontend/dist"} <= set(ignored)


def _entrypoint(tmp_path: Path, *arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    if BASH is None:
        pytest.skip("bash is not installed")
    fake = tmp_path / "crewloom"
    fake.write_text(FAKE_CREWLOOM)
    fake.chmod(0o755)
    return subprocess.run(  # noqa: S603 - the entrypoint under test
        [BASH, str(ENTRYPOINT), *arguments],
        env={"PATH": f"{tmp_path}:{os.defpath}", **environment},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("arguments", "environment", "command"),
    [
        (["api"], {}, ["api", "--host", "0.0.0.0", "--port", "8000", "--workers", "1"]),  # noqa: S104
        (
            ["api"],
            {"CREWLOOM_API_PORT": "9000", "CREWLOOM_API_PROCESSES": "3"},
            ["api", "--host", "0.0.0.0", "--port", "9000", "--workers", "3"],  # noqa: S104
        ),
        (["worker"], {}, ["worker", "--concurrency", "8"]),
        (
            ["worker", "--hostname", "w1"],
            {"CREWLOOM_WORKER_CONCURRENCY": "2"},
            ["worker", "--concurrency", "2", "--hostname", "w1"],
        ),
        (["migrate"], {}, ["migrate"]),
        (["migrate", "--concurrency", "2"], {}, ["migrate", "--concurrency", "2"]),
        (["tenants", "list"], {}, ["tenants", "list"]),
    ],
)
def test_the_first_argument_selects_the_process(
    tmp_path: Path, arguments: list[str], environment: dict[str, str], command: list[str]
) -> None:
    finished = _entrypoint(tmp_path, *arguments, **environment)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines() == command


def test_a_failing_migration_fails_the_container(tmp_path: Path) -> None:
    """compose starts the API only after migrate exits 0, so the status must come through unchanged."""
    finished = _entrypoint(tmp_path, "migrate", FAKE_STATUS="1")
    assert finished.returncode == 1


def test_no_argument_is_a_usage_error(tmp_path: Path) -> None:
    finished = _entrypoint(tmp_path)
    assert finished.returncode == 64
    assert finished.stdout == ""
    assert "usage: crewloom-entrypoint api|worker|migrate" in finished.stderr
