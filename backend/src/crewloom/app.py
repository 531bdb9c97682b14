"""create_app(): middleware, the one error handler, routers, and the UI at ``/``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from crewloom.config import Settings, get_settings
from crewloom.db.engine import Database
from crewloom.errors import AppError
from crewloom.http_limits import BodySizeLimit
from crewloom.kit.heap import freeze_startup_heap
from crewloom.kit.shutdown import notice_stop_signals, process_shutdown
from crewloom.observability.asgi import ObservedRequests
from crewloom.observability.tracing import TracingMiddleware, configure_tracing, tracing_enabled

_log = logging.getLogger("crewloom.api")
_STATIC = Path(__file__).parent / "static"
# The web UI as `make ui` builds it in a source checkout; without a build, the page in _STATIC is served.
_UI_BUILD = Path(__file__).resolve().parents[3] / "frontend" / "dist"
API_PREFIX = "/api/v1"


def _error(status: int, code: str, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    problems = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        # Validators raise ValueError, which pydantic prefixes; the reader wants only the rule.
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append({"field": ".".join(location) or "body", "message": message})
    return problems


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_request: Request, exc: AppError) -> JSONResponse:
        return _error(exc.status_code, exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, "validation_error", _field_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and (page := _ui_page(request)) is not None:
            return page
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error"
        )
        return _error(exc.status_code, code, exc.detail, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "an unexpected error occurred; it has been logged")


def _include_routers(app: FastAPI) -> None:
    from crewloom.agents.router import router as agents_router
    from crewloom.apikeys.router import router as apikeys_router
    from crewloom.audit.router import router as audit_router
    from crewloom.auth.router import router as auth_router
    from crewloom.chat.router import router as chat_router
    from crewloom.crews.router import router as crews_router
    from crewloom.executions.router import router as executions_router
    from crewloom.flows.router import router as flows_router
    from crewloom.health.router import router as health_router
    from crewloom.llm.router import router as llm_router
    from crewloom.observability.router import router as metrics_router
    from crewloom.tenants.router import router as tenants_router
    from crewloom.tools.router import router as tools_router
    from crewloom.transfer.router import router as transfer_router

    app.include_router(health_router)
    app.include_router(metrics_router)
    for router in (auth_router, tenants_router, apikeys_router, audit_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(flows_router, prefix=API_PREFIX)
    app.include_router(llm_router, prefix=API_PREFIX)
    for router in (agents_router, crews_router, tools_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(transfer_router, prefix=API_PREFIX)
    app.include_router(executions_router, prefix=API_PREFIX)
    app.include_router(chat_router, prefix=API_PREFIX)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_tracing(settings, "crewloom-api")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        if owned:
            if not settings.database_url:
                raise RuntimeError("CREWLOOM_DATABASE_URL is not set (use `crewloom up` for the embedded database)")
            app.state.database = Database(
                settings.database_url,
                pool_size=settings.database_pool_size,
                max_overflow=settings.database_max_overflow,
            )
        from crewloom.executions.lifecycle import running_executions

        freeze_startup_heap()
        try:
            async with running_executions(app, settings, app.state.database):
                # Event streams end at once on SIGTERM, telling their clients to reconnect elsewhere.
                with notice_stop_signals(process_shutdown, settings.shutdown_seconds):
                    yield
        finally:
            if owned:
                await app.state.database.dispose()

    app = FastAPI(
        title="Crewloom",
        version="0.1.0",
        lifespan=lifespan,
        description="Design, run and chat with AI agent workflows.",
    )
    app.state.settings = settings
    if database is not None:
        app.state.database = database
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Outside the body limit, so that its refusals are counted and carry a request id too.
    app.add_middleware(ObservedRequests)
    if tracing_enabled():
        # Outermost, so that everything a request does is inside its span.
        app.add_middleware(TracingMiddleware)
    _install_error_handlers(app)
    _include_routers(app)

    _serve_ui(app)
    return app


def _serve_ui(app: FastAPI) -> None:
    if (_UI_BUILD / "index.html").is_file():
        app.mount("/assets", StaticFiles(directory=_UI_BUILD / "assets"), name="ui-assets")
        return

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(_STATIC / "index.html")


def _ui_page(request: Request) -> FileResponse | None:
    """The built web UI's answer to a GET that no route took: one of its files, else index.html, so that a deep
    link shows the right screen after a reload. Found through the 404 handler rather than a catch-all route, so
    that other methods on unknown paths still answer 404, and nothing under /api is ever a page."""
    if request.method not in ("GET", "HEAD") or request.url.path.startswith("/api/"):
        return None
    if not (_UI_BUILD / "index.html").is_file():
        return None
    path = request.url.path.lstrip("/")
    file = (_UI_BUILD / path).resolve()
    if path and file.is_file() and file.is_relative_to(_UI_BUILD):
        return FileResponse(file)
    return FileResponse(_UI_BUILD / "index.html")
