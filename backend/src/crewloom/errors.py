"""Application errors, each rendered by one handler as ``{"error": code, "detail": ...}``."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, detail: Any = None, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail if detail is not None else self.code.replace("_", " ")
        self.headers = headers or {}


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, detail: Any = "authentication required") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class Unprocessable(AppError):
    """A request that is well-formed but breaks a rule; detail names the field where one is at fault."""

    status_code = 422
    code = "validation_error"


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, detail: Any, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class BadGateway(AppError):
    """A server that Crewloom calls on the caller's behalf (e.g. an MCP server) failed or could not be reached."""

    status_code = 502
    code = "bad_gateway"


class GatewayTimeout(AppError):
    status_code = 504
    code = "gateway_timeout"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"


class NoSandbox(ServiceUnavailable):
    """Untrusted code was to run, and no sandbox is available to run it in."""

    code = "sandbox_unavailable"


class TenantSchemaOutdated(ServiceUnavailable):
    code = "tenant_schema_outdated"
