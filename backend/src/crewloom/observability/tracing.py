"""Traces: OpenTelemetry spans for an HTTP request, the dispatch of an execution, its run on a worker, each of
its nodes, and each model and tool call, in one trace. The trace context travels with the queued execution
(its W3C traceparent), so whichever process runs it continues the trace of the request that started it.

Spans are exported over OTLP/HTTP when an endpoint is configured. Otherwise no provider is installed and every
helper here hands back one shared no-op at once: the engine's hot path pays a function call, nothing more.

Attributes are ids, types, models and counts: never a prompt, a reply, tool arguments, a URL's query or a
secret; a failure is recorded by its exception type, never its message. The SDK and the exporter are imported
only when tracing is turned on."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import INVALID_SPAN, Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from crewloom.config import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

TENANT_ID = "crewloom.tenant.id"
EXECUTION_ID = "crewloom.execution.id"
NODE_ID = "crewloom.node.id"
NODE_TYPE = "crewloom.node.type"
NODE_STATUS = "crewloom.node.status"
NODE_ATTEMPTS = "crewloom.node.attempts"
# Spans started inside an execution or a node carry its ids, copied from their parent.
_INHERITED = (TENANT_ID, EXECUTION_ID, NODE_ID, NODE_TYPE)
_TRACES_PATH = "/v1/traces"

_OFF: AbstractContextManager[Span] = nullcontext(INVALID_SPAN)
_propagator = TraceContextTextMapPropagator()
_tracer: Tracer | None = None


def traces_endpoint(settings: Settings) -> str | None:
    """Where spans go: CREWLOOM_OTLP_ENDPOINT, else OpenTelemetry's own variables; None when none is set."""
    exact = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    base = settings.otlp_endpoint or (None if exact else os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
    if base:
        base = base.rstrip("/")
        return base if base.endswith(_TRACES_PATH) else base + _TRACES_PATH
    return exact or None


def configure_tracing(settings: Settings, service_name: str) -> None:
    """Export this process's spans over OTLP/HTTP when an endpoint is configured; once per process. Call it at
    start, before anything loads CrewAI, which turns the OpenTelemetry SDK off for its own telemetry."""
    endpoint = traces_endpoint(settings)
    if endpoint is None or _tracer is not None:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME") or service_name})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    install_provider(provider)


def install_provider(provider: TracerProvider) -> None:
    """Record spans through ``provider`` from now on (its exporters decide where they go)."""
    global _tracer
    _tracer = provider.get_tracer("crewloom")


def uninstall_provider() -> None:
    """Stop recording spans; the provider keeps what it has."""
    global _tracer
    _tracer = None


def tracing_enabled() -> bool:
    return _tracer is not None


def _inherited() -> dict[str, str]:
    """The tenant, execution and node ids of the current span, so that a model call made deep inside a node
    says which node, execution and tenant it served."""
    known = getattr(trace.get_current_span(), "attributes", None)
    if not known:
        return {}
    return {name: str(known[name]) for name in _INHERITED if name in known}


@contextmanager
def _recorded(
    tracer: Tracer,
    name: str,
    kind: SpanKind,
    attributes: Mapping[str, str | int | float],
    context: Context | None = None,
) -> Iterator[Span]:
    # A span continuing a stored or a caller's context has no parent in this process to inherit from.
    if context is None:
        attributes = {**_inherited(), **attributes}
    # OpenTelemetry would record the exception's message, which may quote a prompt or a server's reply.
    with tracer.start_as_current_span(
        name, context=context, kind=kind, attributes=attributes, record_exception=False, set_status_on_exception=False
    ) as span:
        try:
            yield span
        except BaseException as exc:
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise


def trace_carrier() -> dict[str, str] | None:
    """The current trace context as W3C headers (traceparent, tracestate), to store with queued work; None
    when tracing is off or nothing is being traced."""
    if _tracer is None:
        return None
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier or None


def dispatch_span(tenant_id: uuid.UUID, execution_id: uuid.UUID) -> AbstractContextManager[Span]:
    """Queueing an execution, inside the request that asked for it."""
    if _tracer is None:
        return _OFF
    attributes = {TENANT_ID: str(tenant_id), EXECUTION_ID: str(execution_id)}
    return _recorded(_tracer, "execution.dispatch", SpanKind.PRODUCER, attributes)


def execution_span(
    tenant_id: uuid.UUID, execution_id: uuid.UUID, carrier: Mapping[str, str] | None
) -> AbstractContextManager[Span]:
    """One claim of an execution by a worker, continuing the trace stored with it (``carrier``)."""
    if _tracer is None:
        return _OFF
    attributes = {TENANT_ID: str(tenant_id), EXECUTION_ID: str(execution_id)}
    context = _propagator.extract(dict(carrier or {}))
    return _recorded(_tracer, "execution.run", SpanKind.CONSUMER, attributes, context)


def node_span(node_id: str, node_type: str) -> AbstractContextManager[Span]:
    """A node's run, all its attempts included."""
    if _tracer is None:
        return _OFF
    return _recorded(_tracer, f"node {node_type}", SpanKind.INTERNAL, {NODE_ID: node_id, NODE_TYPE: node_type})


def record_node_outcome(span: Span, *, status: str, attempts: int) -> None:
    if span.is_recording():
        span.set_attributes({NODE_STATUS: status, NODE_ATTEMPTS: attempts})


def llm_span(provider_type: str, model: str) -> AbstractContextManager[Span]:
    """One model call through the gateway, retries included."""
    if _tracer is None:
        return _OFF
    attributes = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": provider_type, "gen_ai.request.model": model}
    return _recorded(_tracer, f"chat {model}", SpanKind.CLIENT, attributes)


def record_llm_usage(span: Span, *, model: str, tokens_in: int, tokens_out: int, cost: float | None) -> None:
    if not span.is_recording():
        return
    span.set_attributes(
        {
            "gen_ai.response.model": model,
            "gen_ai.usage.input_tokens": tokens_in,
            "gen_ai.usage.output_tokens": tokens_out,
        }
    )
    if cost is not None:
        span.set_attribute("crewloom.llm.cost_usd", cost)


def tool_span(tool_type: str, tool_name: str) -> AbstractContextManager[Span]:
    """One call of a workspace tool, from a tool node or by an agent."""
    if _tracer is None:
        return _OFF
    attributes = {"gen_ai.tool.name": tool_name, "crewloom.tool.type": tool_type}
    return _recorded(_tracer, f"tool {tool_type}", SpanKind.INTERNAL, attributes)


def _route_template(scope: Scope) -> str | None:
    """The template of the route that took the request, its router's prefix included; None when none did."""
    # FastAPI puts the whole template on the included route's context; a route of the app itself has it.
    included = (scope.get("fastapi") or {}).get("effective_route_context")
    template = getattr(included, "path_format", None) or getattr(scope.get("route"), "path_format", None)
    return str(template) if template else None


class TracingMiddleware:
    """A server span per HTTP request, named by its route, continuing the caller's trace when it sends a
    traceparent. WebSockets are left out: a chat connection open for hours is not one operation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracer = _tracer
        if tracer is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        context = _propagator.extract(headers)
        method: str = scope["method"]
        status = 0

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        attributes = {"http.request.method": method, "url.path": scope["path"]}
        with _recorded(tracer, method, SpanKind.SERVER, attributes, context) as span:
            try:
                await self.app(scope, receive, send_noting_status)
            finally:
                route = _route_template(scope)
                if route:
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                if status:
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
