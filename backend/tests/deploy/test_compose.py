"""deploy/compose.yaml and the observability profile's files: their shape, and `docker compose config` where
the compose plugin exists."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from typing import Any

import pytest
import yaml

from tests.deploy.rendering import DEPLOY

COMPOSE_FILE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
OBSERVABILITY = {"otel-collector", "jaeger", "prometheus", "grafana"}
METRICS = {
    "crewloom_http_requests_total",
    "crewloom_http_request_duration_seconds",
    "crewloom_executions_total",
    "crewloom_execution_duration_seconds",
    "crewloom_queue_depth",
    "crewloom_queue_wait_seconds",
    "crewloom_node_duration_seconds",
    "crewloom_llm_tokens_total",
    "crewloom_llm_cost_usd_total",
    "crewloom_sandbox_runs_total",
    "crewloom_sandbox_limit_hits_total",
    "crewloom_active_connections",
}


@cache
def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return compose


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _compose()["services"]
    return services


def _running(role: str) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in _services().items() if service.get("command") == [role]}


def _compose_plugin() -> str:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed")
    version = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)  # noqa: S603
    if version.returncode != 0:
        pytest.skip("docker's compose plugin is not installed")
    return docker


@pytest.mark.parametrize("extra_files", [[], ["compose.sandbox.yaml"]])
def test_docker_compose_accepts_the_file_with_the_example_environment(extra_files: list[str]) -> None:
    docker = _compose_plugin()
    files = [argument for name in ["compose.yaml", *extra_files] for argument in ("-f", str(DEPLOY / name))]
    command = [docker, "compose", *files, "--env-file", str(ENV_EXAMPLE), "--profile", "observability", "config"]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    assert finished.returncode == 0, finished.stderr


def test_migrate_runs_once_before_any_api_or_worker() -> None:
    (migrate,) = _running("migrate").values()
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    for service in [*_running("api").values(), *_running("worker").values()]:
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert service["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_two_api_replicas_on_their_own_ports_and_two_workers() -> None:
    def replicas(role: str) -> int:
        return sum(service.get("deploy", {}).get("replicas", 1) for service in _running(role).values())

    assert replicas("api") == 2
    assert replicas("worker") == 2
    host_ports = [service["ports"][0].split(":")[0] for service in _running("api").values()]
    assert len(set(host_ports)) == 2
    assert not [service for service in _running("worker").values() if "ports" in service]


def test_every_crewloom_process_runs_one_image_with_the_shared_settings() -> None:
    crewloom = {**_running("api"), **_running("worker"), **_running("migrate")}
    assert len({service["image"] for service in crewloom.values()}) == 1
    for service in crewloom.values():
        environment = service["environment"]
        assert environment["CREWLOOM_DISPATCHER"] == "celery"
        assert environment["CREWLOOM_REDIS_URL"] == "redis://redis:6379/0"
        assert "@postgres:5432/" in environment["CREWLOOM_DATABASE_URL"]
        for secret in ("CREWLOOM_SECRET_KEY", "CREWLOOM_MASTER_KEYS"):
            assert environment[secret].startswith(f"${{{secret}:?"), "a missing secret must stop compose"


def test_redis_never_evicts() -> None:
    command = _services()["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_long_running_services_have_healthchecks_and_time_to_stop() -> None:
    for name in ("postgres", "redis", *_running("api"), *_running("worker")):
        assert _services()[name]["healthcheck"]["test"], name
    deadline = int(_services()["migrate"]["environment"]["CREWLOOM_SHUTDOWN_SECONDS"])
    for service in [*_running("api").values(), *_running("worker").values()]:
        assert int(service["stop_grace_period"].removesuffix("s")) > deadline


def test_third_party_images_are_pinned_to_a_version() -> None:
    for name, service in _services().items():
        if name in {*_running("api"), *_running("worker"), *_running("migrate")}:
            continue
        image, _, tag = service["image"].rpartition(":")
        assert image, name
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z]+)?", tag), f"{name}: {service['image']}"


def test_the_observability_profile_holds_the_collector_prometheus_and_grafana() -> None:
    profiled = {name for name, service in _services().items() if "profiles" in service}
    assert profiled == OBSERVABILITY
    for name in OBSERVABILITY:
        assert _services()[name]["profiles"] == ["observability"]
        for volume in _services()[name].get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), f"{name} mounts {source}, which is missing"


def test_the_example_environment_names_every_variable_compose_reads() -> None:
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE_FILE.read_text()))
    example = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if line and not line.startswith("#")
    )
    assert used == set(example)
    for secret in ("POSTGRES_PASSWORD", "CREWLOOM_SECRET_KEY", "CREWLOOM_MASTER_KEYS", "GRAFANA_ADMIN_PASSWORD"):
        assert example[secret] == "change-me"


def test_the_sandbox_override_only_loosens_the_api_and_the_workers() -> None:
    override = yaml.safe_load((DEPLOY / "compose.sandbox.yaml").read_text())["services"]
    assert set(override) == {*_running("api"), *_running("worker")}
    for service in override.values():
        assert set(service) == {"security_opt"}


def test_prometheus_scrapes_every_api_replica_and_every_worker() -> None:
    jobs = {job["job_name"]: job for job in yaml.safe_load((DEPLOY / "prometheus.yaml").read_text())["scrape_configs"]}
    (api_targets,) = [config["targets"] for config in jobs["crewloom-api"]["static_configs"]]
    assert sorted(api_targets) == sorted(f"{name}:8000" for name in _running("api"))
    (workers,) = jobs["crewloom-worker"]["dns_sd_configs"]
    (worker,) = _running("worker").values()
    assert workers["names"] == list(_running("worker"))
    assert workers["port"] == int(worker["environment"]["CREWLOOM_METRICS_PORT"])


def test_the_collector_sends_otlp_traces_on() -> None:
    collector = yaml.safe_load((DEPLOY / "otel-collector.yaml").read_text())
    traces = collector["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    assert set(traces["exporters"]) <= set(collector["exporters"])
    assert set(traces["processors"]) <= set(collector["processors"])


def _dashboard() -> dict[str, Any]:
    dashboard: dict[str, Any] = json.loads((DEPLOY / "grafana" / "crewloom-dashboard.json").read_text())
    return dashboard


def test_the_dashboard_charts_every_metric_and_no_unknown_one() -> None:
    expressions = [target["expr"] for panel in _dashboard()["panels"] for target in panel["targets"]]
    names = {name for expression in expressions for name in re.findall(r"crewloom_\w+", expression)}
    charted = {re.sub(r"_(bucket|count|sum)$", "", name) for name in names}
    assert charted == METRICS


def test_the_dashboard_reads_the_provisioned_prometheus() -> None:
    provisioning = DEPLOY / "grafana" / "provisioning"
    sources = yaml.safe_load((provisioning / "datasources" / "datasources.yaml").read_text())["datasources"]
    prometheus = next(source for source in sources if source["type"] == "prometheus")
    variables = {variable["name"]: variable for variable in _dashboard()["templating"]["list"]}
    assert variables["datasource"]["current"]["value"] == prometheus["uid"]
    panels = _dashboard()["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    for panel in panels:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "dashboards.yaml").read_text())["providers"]
    mounts = [volume.split(":")[1] for volume in _services()["grafana"]["volumes"] if "dashboard.json" in volume]
    assert mounts == [f"{provider['options']['path']}/crewloom.json"]
