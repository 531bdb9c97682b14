"""The Kubernetes manifests: every overlay renders with `kubectl kustomize`, every object is valid against the
Kubernetes schemas, and the properties that keep a deployment safe hold in each overlay."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.rendering import (
    NAMESPACE,
    OVERLAYS,
    SECRET_NAME,
    Manifest,
    one,
    overlay_names,
    pod_labels,
    quantity,
    render,
    selects,
    workloads,
)

# The oldest Kubernetes the manifests promise to work on, and the newest the validator knows.
SCHEMA_VERSIONS = ("1.29", kubernetes_validate.latest_version())
_WORKLOADS = (("Deployment", "crewloom-api"), ("Deployment", "crewloom-worker"), ("Job", "crewloom-migrate"))
PRIVATE_RANGES = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"}


@pytest.fixture(params=overlay_names())
def manifests(request: pytest.FixtureRequest) -> list[Manifest]:
    return render(request.param)


def _containers(workload: Manifest) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = workload["spec"]["template"]["spec"]["containers"]
    return containers


def _container(manifests: list[Manifest], kind: str, name: str) -> dict[str, Any]:
    (container,) = _containers(one(manifests, kind, name))
    return container


def test_the_overlays_are_local_and_production() -> None:
    assert overlay_names() == ["local", "production"]
    kind = yaml.safe_load((OVERLAYS / "local" / "kind-config.yaml").read_text())
    assert (kind["apiVersion"], kind["kind"]) == ("kind.x-k8s.io/v1alpha4", "Cluster")
    (control_plane,) = [node for node in kind["nodes"] if node["role"] == "control-plane"]
    assert "ingress-ready=true" in control_plane["kubeadmConfigPatches"][0]
    assert {mapping["containerPort"] for mapping in control_plane["extraPortMappings"]} == {80, 443}


def test_every_object_is_valid_against_the_kubernetes_schemas(manifests: list[Manifest]) -> None:
    for manifest in manifests:
        for version in SCHEMA_VERSIONS:
            kubernetes_validate.validate(manifest, version, strict=True)


def test_the_validation_refuses_an_unknown_field(manifests: list[Manifest]) -> None:
    deployment = one(manifests, "Deployment", "crewloom-api")
    _containers(deployment)[0]["comand"] = ["crewloom"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, SCHEMA_VERSIONS[0], strict=True)


def test_every_namespaced_object_lands_in_the_crewloom_namespace(manifests: list[Manifest]) -> None:
    for manifest in manifests:
        if manifest["kind"] != "Namespace":
            assert manifest["metadata"].get("namespace") == NAMESPACE, manifest["metadata"]["name"]
    labels = one(manifests, "Namespace", NAMESPACE)["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_the_image_command_selects_api_worker_or_migrate(manifests: list[Manifest]) -> None:
    roles = {name: _container(manifests, kind, name)["args"] for kind, name in _WORKLOADS}
    assert roles == {"crewloom-api": ["api"], "crewloom-worker": ["worker"], "crewloom-migrate": ["migrate"]}
    images = {_container(manifests, kind, name)["image"] for kind, name in _WORKLOADS}
    assert len(images) == 1
    (image,) = images
    name, _, tag = image.rpartition(":")
    assert name, image
    assert tag not in ("", "latest"), image


def test_pods_run_as_non_root_on_a_read_only_root_with_a_writable_tmp(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] > 0
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        empty_dirs = {volume["name"] for volume in pod["volumes"] if "emptyDir" in volume}
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            assert mounts["/tmp"] in empty_dirs  # noqa: S108 - the container's own /tmp


def test_every_container_has_resource_requests_within_limits(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        for container in _containers(workload):
            resources = container["resources"]
            for resource in ("cpu", "memory"):
                assert quantity(resources["requests"][resource]) <= quantity(resources["limits"][resource])


def test_the_api_is_probed_on_healthz_and_readyz(manifests: list[Manifest]) -> None:
    api = _container(manifests, "Deployment", "crewloom-api")
    (port,) = api["ports"]
    assert port == {"name": "http", "containerPort": 8000}
    assert api["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert api["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}


def test_the_worker_is_probed_on_its_metrics_port(manifests: list[Manifest]) -> None:
    worker = _container(manifests, "Deployment", "crewloom-worker")
    config = one(manifests, "ConfigMap", "crewloom-config")["data"]
    assert worker["ports"] == [{"name": "metrics", "containerPort": int(config["CREWLOOM_METRICS_PORT"])}]
    assert worker["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}


def test_pods_get_longer_to_stop_than_the_shutdown_deadline(manifests: list[Manifest]) -> None:
    deadline = float(one(manifests, "ConfigMap", "crewloom-config")["data"]["CREWLOOM_SHUTDOWN_SECONDS"])
    for name in ("crewloom-api", "crewloom-worker"):
        assert (
            one(manifests, "Deployment", name)["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > deadline
        )


def test_settings_and_secrets_come_from_the_config_map_and_the_documented_secret(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        for container in _containers(workload):
            sources = container["envFrom"]
            assert {"configMapRef": {"name": "crewloom-config"}} in sources
            assert {"secretRef": {"name": SECRET_NAME}} in sources


def test_only_the_local_overlay_carries_a_secret() -> None:
    local = one(render("local"), "Secret", SECRET_NAME)
    assert set(local["data"]) == {
        "CREWLOOM_DATABASE_URL",
        "CREWLOOM_REDIS_URL",
        "CREWLOOM_SECRET_KEY",
        "CREWLOOM_MASTER_KEYS",
    }
    assert not [m for m in render("production") if m["kind"] == "Secret"]


def test_the_worker_autoscaler_and_the_disruption_budgets_cover_their_pods(manifests: list[Manifest]) -> None:
    autoscaler = one(manifests, "HorizontalPodAutoscaler", "crewloom-worker")
    assert autoscaler["apiVersion"] == "autoscaling/v2"
    assert autoscaler["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "crewloom-worker",
    }
    assert 2 <= autoscaler["spec"]["minReplicas"] < autoscaler["spec"]["maxReplicas"]
    # The autoscaler owns the count: a fixed one would be reset on every apply.
    assert "replicas" not in one(manifests, "Deployment", "crewloom-worker")["spec"]
    assert one(manifests, "Deployment", "crewloom-api")["spec"]["replicas"] >= 2
    for component in ("api", "worker"):
        budget = one(manifests, "PodDisruptionBudget", f"crewloom-{component}")
        assert selects(budget["spec"]["selector"], pod_labels(manifests, component))
        assert not selects(budget["spec"]["selector"], pod_labels(manifests, "migrate"))


def test_the_ingress_routes_to_the_api_service(manifests: list[Manifest]) -> None:
    service = one(manifests, "Service", "crewloom-api")
    assert selects({"matchLabels": service["spec"]["selector"]}, pod_labels(manifests, "api"))
    (rule,) = one(manifests, "Ingress", "crewloom")["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert path["backend"]["service"] == {"name": "crewloom-api", "port": {"name": "http"}}


def test_production_runs_a_released_image_behind_tls_with_more_room() -> None:
    local, production = render("local"), render("production")
    image = _container(production, "Deployment", "crewloom-api")["image"]
    assert not image.endswith(":dev")
    ingress = one(production, "Ingress", "crewloom")["spec"]
    assert ingress["tls"][0]["hosts"] == [ingress["rules"][0]["host"]]
    for kind, name in (("Deployment", "crewloom-api"), ("Deployment", "crewloom-worker")):
        bigger = _container(production, kind, name)["resources"]["limits"]["memory"]
        assert quantity(bigger) > quantity(_container(local, kind, name)["resources"]["limits"]["memory"])
    api_replicas = [one(m, "Deployment", "crewloom-api")["spec"]["replicas"] for m in (local, production)]
    assert api_replicas[1] > api_replicas[0]
    minimums = [
        one(m, "HorizontalPodAutoscaler", "crewloom-worker")["spec"]["minReplicas"] for m in (local, production)
    ]
    assert minimums[1] > minimums[0]


def _policies_for(manifests: list[Manifest], component: str, direction: str) -> list[Manifest]:
    labels = pod_labels(manifests, component)
    return [
        policy
        for policy in manifests
        if policy["kind"] == "NetworkPolicy"
        and direction in policy["spec"]["policyTypes"]
        and selects(policy["spec"]["podSelector"], labels)
    ]


def _egress_ports(manifests: list[Manifest], component: str) -> dict[int, list[dict[str, Any]]]:
    """Each port the component's pods may reach, with the peers allowed on it."""
    allowed: dict[int, list[dict[str, Any]]] = {}
    for policy in _policies_for(manifests, component, "Egress"):
        for rule in policy["spec"].get("egress", []):
            assert rule.get("to"), f"{policy['metadata']['name']} allows any peer"
            assert rule.get("ports"), f"{policy['metadata']['name']} allows any port"
            for port in rule["ports"]:
                allowed.setdefault(port["port"], []).extend(rule["to"])
    return allowed


def test_everything_is_denied_unless_a_policy_allows_it(manifests: list[Manifest]) -> None:
    deny = one(manifests, "NetworkPolicy", "default-deny")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def test_workers_reach_only_postgresql_redis_dns_the_collector_and_public_https(manifests: list[Manifest]) -> None:
    allowed = _egress_ports(manifests, "worker")
    assert set(allowed) == {5432, 6379, 53, 4317, 4318, 443}
    assert allowed[5432] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "postgresql"}}}]
    assert allowed[6379] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "redis"}}}]
    for peer in allowed[53]:
        assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "kube-system"}
    for peer in allowed[443]:
        block = peer["ipBlock"]
        if block["cidr"] == "0.0.0.0/0":
            assert set(block["except"]) >= PRIVATE_RANGES
        else:
            assert block == {"cidr": "::/0", "except": ["fc00::/7", "fe80::/10"]}


def test_the_migration_job_reaches_only_postgresql_and_dns(manifests: list[Manifest]) -> None:
    assert set(_egress_ports(manifests, "migrate")) == {5432, 53}


def test_only_the_ingress_controller_and_prometheus_reach_the_api(manifests: list[Manifest]) -> None:
    (rule,) = [
        rule for policy in _policies_for(manifests, "api", "Ingress") for rule in policy["spec"].get("ingress", [])
    ]
    namespaces = {peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for peer in rule["from"]}
    assert namespaces == {"ingress-nginx", "monitoring"}
    assert rule["ports"] == [{"protocol": "TCP", "port": 8000}]
    assert not [policy for policy in _policies_for(manifests, "migrate", "Ingress") if policy["spec"].get("ingress")]


def test_the_chart_values_match_the_local_secret_and_keep_redis_from_evicting() -> None:
    values = OVERLAYS.parent / "values"
    postgresql = yaml.safe_load((values / "postgresql.yaml").read_text())
    redis = yaml.safe_load((values / "redis.yaml").read_text())
    assert "maxmemory-policy noeviction" in redis["commonConfiguration"].splitlines()
    assert redis["architecture"] == postgresql["architecture"] == "standalone"
    kustomization = yaml.safe_load((OVERLAYS / "local" / "kustomization.yaml").read_text())
    literals = dict(entry.split("=", 1) for entry in kustomization["secretGenerator"][0]["literals"])
    auth = postgresql["auth"]
    assert f"//{auth['username']}:" in literals["CREWLOOM_DATABASE_URL"]
    assert literals["CREWLOOM_DATABASE_URL"].endswith(f"@postgresql:5432/{auth['database']}")
    assert "@redis-master:6379/" in literals["CREWLOOM_REDIS_URL"]
