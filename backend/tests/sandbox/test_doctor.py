"""``crewloom doctor`` as a real subprocess."""

from __future__ import annotations

from pathlib import Path

from crewloom.config import Settings
from crewloom.sandbox import Sandbox
from tests.cli.running import cli_env, run_cli


def test_doctor_passes_when_bubblewrap_works(bubblewrap: Sandbox, tmp_path: Path) -> None:
    finished = run_cli("doctor", env=cli_env(CREWLOOM_DOCKER_HOST=f"unix://{tmp_path}/none.sock"))
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    assert lines[0].startswith("bubblewrap (configured): works: ")
    assert "user namespaces on" in lines[0]
    assert lines[1].startswith("docker: does not work: docker: no engine reachable at unix://")


def test_doctor_fails_when_the_configured_backend_does_not_work(tmp_path: Path) -> None:
    finished = run_cli("doctor", env=cli_env(CREWLOOM_BWRAP_PATH=str(tmp_path / "bwrap")))
    assert finished.returncode == 1
    assert (
        f"bubblewrap (configured): does not work: bubblewrap: CREWLOOM_BWRAP_PATH={tmp_path}/bwrap does not exist"
        in finished.stdout
    )
    assert "custom tools cannot run: the configured sandbox (bubblewrap) does not work" in finished.stderr


def test_doctor_reports_the_docker_engine_and_its_image(docker_settings: Settings) -> None:
    assert docker_settings.docker_host is not None
    env = cli_env(CREWLOOM_SANDBOX="docker", CREWLOOM_DOCKER_HOST=docker_settings.docker_host)
    missing = run_cli("doctor", env={**env, "CREWLOOM_SANDBOX_IMAGE": "crewloom-absent:latest"})
    assert missing.returncode == 1
    assert (
        "docker (configured): does not work: docker: the sandbox image crewloom-absent:latest is not present"
        in missing.stdout
    )
    present = run_cli("doctor", env={**env, "CREWLOOM_SANDBOX_IMAGE": docker_settings.sandbox_image})
    assert present.returncode == 0, present.stdout
    assert "docker (configured): works: engine " in present.stdout
    assert f"image {docker_settings.sandbox_image} present" in present.stdout
