"""The Prometheus metrics of a Crewloom process, and one small function per fact that records them, called
from the one place where the fact is known (an execution settles, a node ends, a model call is recorded, a
sandbox run ends, a stream opens or closes). Each costs an increment, never a query.

Every label is bounded: HTTP routes are templates, methods a fixed set, model names capped in number and
length; tenants appear by id only. The API serves these at ``/metrics``; a worker on its own port."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    import uuid

    from crewloom.models import LlmUsage

logger = logging.getLogger(__name__)

# Set (to an empty directory) before the processes of `crewloom api --workers N` start: each then writes
# its values there, and whichever process answers a scrape reports the sum of them all.
MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
# Model names are chosen by tenants: past this many (tenant, provider, model) series, further models are
# counted as "other", so that nobody can grow the registry without bound.
_MAX_MODEL_SERIES = 2000
_MAX_MODEL_LENGTH = 100
_model_series: set[tuple[str, str, str]] = set()

HTTP_REQUESTS = Counter(
    "crewloom_http_requests_total", "HTTP requests answered, by route template", ["method", "route", "status"]
)
HTTP_REQUEST_DURATION = Histogram(
    "crewloom_http_request_duration_seconds",
    "Time to answer an HTTP request (an event stream: time to its first byte)",
    ["method", "route"],
)
EXECUTIONS = Counter("crewloom_executions_total", "Executions settled", ["kind", "status"])
EXECUTION_DURATION = Histogram(
    "crewloom_execution_duration_seconds",
    "Time from an execution's start to its end",
    ["kind", "status"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
QUEUE_WAIT = Histogram(
    "crewloom_queue_wait_seconds",
    "Time an execution waited in the queue before a worker first claimed it",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
)
NODE_DURATION = Histogram(
    "crewloom_node_duration_seconds",
    "Time a node ran, retries included",
    ["type", "status"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
LLM_TOKENS = Counter(
    "crewloom_llm_tokens_total",
    "Model tokens sent (in) and received (out)",
    ["tenant", "provider", "model", "direction"],
)
LLM_COST = Counter("crewloom_llm_cost_usd_total", "Model cost in US dollars", ["tenant", "provider", "model"])
SANDBOX_RUNS = Counter("crewloom_sandbox_runs_total", "Sandboxed tool runs by how they ended", ["backend", "outcome"])
SANDBOX_LIMIT_HITS = Counter(
    "crewloom_sandbox_limit_hits_total", "Sandboxed tool runs stopped by a limit", ["backend", "limit"]
)
ACTIVE_CONNECTIONS = Gauge(
    "crewloom_active_connections", "Open event streams and WebSockets", ["kind"], multiprocess_mode="livesum"
)


def http_request_observed(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "other"
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_REQUEST_DURATION.labels(method, route).observe(seconds)


def connection_opened(kind: str) -> None:
    ACTIVE_CONNECTIONS.labels(kind).inc()


def connection_closed(kind: str) -> None:
    ACTIVE_CONNECTIONS.labels(kind).dec()


def execution_ended(kind: str, status: str, started_at: datetime | None, finished_at: datetime | None) -> None:
    """An execution settled; one that never started (cancelled while queued) has no duration."""
    EXECUTIONS.labels(kind, status).inc()
    if started_at is not None and finished_at is not None:
        EXECUTION_DURATION.labels(kind, status).observe(max(0.0, (finished_at - started_at).total_seconds()))


def queue_waited(seconds: float) -> None:
    QUEUE_WAIT.observe(max(0.0, seconds))


def node_ended(node_type: str, status: str, seconds: float) -> None:
    NODE_DURATION.labels(node_type, status).observe(max(0.0, seconds))


def _model_label(tenant: str, provider: str, model: str) -> str:
    model = model[:_MAX_MODEL_LENGTH]
    series = (tenant, provider, model)
    if series in _model_series:
        return model
    if len(_model_series) >= _MAX_MODEL_SERIES:
        return "other"
    _model_series.add(series)
    return model


def llm_usage_recorded(tenant_id: uuid.UUID, usage: LlmUsage) -> None:
    """A model call's usage row, as it is written."""
    tenant, provider = str(tenant_id), usage.provider_type
    model = _model_label(tenant, provider, usage.model)
    LLM_TOKENS.labels(tenant, provider, model, "in").inc(usage.tokens_in or 0)
    LLM_TOKENS.labels(tenant, provider, model, "out").inc(usage.tokens_out or 0)
    LLM_COST.labels(tenant, provider, model).inc(usage.cost or 0.0)


def sandbox_ran(backend: str, *, ok: bool, limit: str | None) -> None:
    """A sandboxed run ended: ``ok``, stopped by ``limit``, or failed otherwise (an error of the tool's own)."""
    if limit is not None:
        SANDBOX_LIMIT_HITS.labels(backend, limit).inc()
    SANDBOX_RUNS.labels(backend, "ok" if ok else "limit" if limit is not None else "error").inc()


class _QueueDepth(Collector):
    """The queue's depth as counted for this scrape: it lives in PostgreSQL, shared by every process, so it is
    read when asked for rather than kept by any one of them."""

    def __init__(self, queued: int) -> None:
        self._queued = queued

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("crewloom_queue_depth", "Executions waiting for a worker", value=self._queued)


def exposition(queued: int | None) -> bytes:
    """This process's metrics (every process's, under `crewloom api --workers N`) in the text format, with
    the queue depth when it could be counted."""
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    if queued is None:
        return text
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(_QueueDepth(queued))
    return text + generate_latest(scrape)


@contextmanager
def shared_between_processes() -> Iterator[None]:
    """Around `crewloom api --workers N`: its processes (started inside) keep their values in one new
    directory, so that /metrics, answered by any one of them, counts them all."""
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="crewloom-metrics-") as directory:
        os.environ[MULTIPROCESS_DIRECTORY] = directory
        try:
            yield
        finally:
            del os.environ[MULTIPROCESS_DIRECTORY]


def serve_worker_metrics(port: int) -> WSGIServer | None:
    """Serve this process's metrics on ``port`` (all interfaces), in a thread; None when ``port`` is 0 or
    taken, which leaves the worker running without them rather than not at all."""
    if port == 0:
        return None
    try:
        server, _ = start_http_server(port)
    except OSError as exc:
        logger.warning(
            "cannot serve metrics on port %d (%s); this worker runs without them: set CREWLOOM_METRICS_PORT "
            "to a free port, or to 0",
            port,
            exc,
        )
        return None
    return server
