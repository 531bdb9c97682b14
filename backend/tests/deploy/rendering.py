"""Where the deployment files are, and the Kubernetes overlays as kubectl renders them."""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parents[3]
DEPLOY = REPOSITORY / "deploy"
OVERLAYS = DEPLOY / "kubernetes" / "overlays"
KUBECTL = shutil.which("kubectl")
NAMESPACE = "crewloom"
SECRET_NAME = "crewloom-secrets"

Manifest = dict[str, Any]


def overlay_names() -> list[str]:
    return sorted(path.name for path in OVERLAYS.iterdir() if (path / "kustomization.yaml").is_file())


@cache
def _render(overlay: str) -> tuple[Manifest, ...]:
    assert KUBECTL is not None
    finished = subprocess.run(  # noqa: S603 - kubectl from PATH, a fixed command line
        [KUBECTL, "kustomize", str(OVERLAYS / overlay)], capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr
    return tuple(document for document in yaml.safe_load_all(finished.stdout) if document)


def render(overlay: str) -> list[Manifest]:
    """The overlay's objects as `kubectl kustomize` prints them (a fresh copy: tests may change theirs)."""
    if KUBECTL is None:
        pytest.skip("kubectl is not installed (make test installs Debian's kubernetes-client where it can)")
    return copy.deepcopy(list(_render(overlay)))


def one(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    found = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def workloads(manifests: list[Manifest]) -> Iterator[Manifest]:
    """Every object that runs pods: Deployments and Jobs."""
    return (m for m in manifests if m["kind"] in ("Deployment", "Job"))


def pod_labels(manifests: list[Manifest], component: str) -> dict[str, str]:
    workload = next(
        m for m in workloads(manifests) if m["metadata"]["labels"]["app.kubernetes.io/component"] == component
    )
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels, matchExpressions with In/NotIn/Exists) selects these labels."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        if operator == "In" and labels.get(key) not in expression["values"]:
            return False
        if operator == "NotIn" and labels.get(key) in expression["values"]:
            return False
        if operator == "Exists" and key not in labels:
            return False
    return True


def quantity(value: str | int) -> float:
    """A Kubernetes quantity (250m, 2, 512Mi, 1Gi) as a number, to compare requests with limits."""
    text = str(value)
    for suffix, factor in (("Ki", 2**10), ("Mi", 2**20), ("Gi", 2**30), ("Ti", 2**40), ("m", 1e-3)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)
