"""Settings read from the environment (prefix ``CREWLOOM_``) with embedded defaults."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
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
