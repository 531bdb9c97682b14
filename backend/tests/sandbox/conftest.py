"""Sandboxes for the tests: bubblewrap as configured here, and a private Docker engine when ``dockerd`` can
run (started for the session with no bridge and no iptables, its state in a temporary directory)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crewloom.config import Settings
from crewloom.sandbox import Sandbox, SandboxUnavailable, bubblewrap_sandbox, docker_sandbox
from crewloom.sandbox.docker_image import build_python_image
from crewloom.sandbox.private_engine import private_engine


@pytest.fixture(scope="session")
def bubblewrap() -> Sandbox:
    try:
        return bubblewrap_sandbox(Settings(sandbox="bubblewrap"))
    except SandboxUnavailable as error:
        pytest.skip(f"bubblewrap cannot run here: {error}")


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[str]:
    """The URL of a Docker engine of this session's own."""
    try:
        with private_engine() as url:
            yield url
    except SandboxUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def docker_settings(docker_engine: str) -> Settings:
    settings = Settings(sandbox="docker", docker_host=docker_engine, sandbox_image="crewloom-sandbox-test:latest")
    build_python_image(settings)
    return settings


@pytest.fixture(scope="session")
def docker_backend(docker_settings: Settings) -> Sandbox:
    return docker_sandbox(docker_settings)
