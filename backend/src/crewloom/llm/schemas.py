"""Request and response bodies of the LLM providers domain. API keys go in, never out."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, JsonValue, SecretStr, StringConstraints, field_validator

from crewloom.kit.resources import ResourceFields, ResourceOut, ResourceQuery, VersionedUpdate
from crewloom.llm.gateway import ProviderType

OptionName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
# Any JSON: each type's service rules say which names and shapes it takes (e.g. the mock's scripted responses).
OptionValue = JsonValue
ModelName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ProviderSettings(BaseModel):
    type: ProviderType
    base_url: str | None = Field(default=None, max_length=500, description="http(s) URL of the provider's API")
    default_model: ModelName
    options: dict[OptionName, OptionValue] = Field(
        default_factory=dict,
        max_length=20,
        description="Non-secret settings, e.g. Azure's api_version, or the mock's responses and latency_ms",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if any(ord(character) <= 32 for character in value):
            raise ValueError("must be a URL without spaces")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if parts.username or parts.password:
            raise ValueError("must not contain credentials; put the key in api_key")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or a fragment")
        return value.rstrip("/")


ApiKey = Annotated[SecretStr, Field(min_length=1, max_length=4096)]


class ProviderIn(ResourceFields, ProviderSettings):
    api_key: ApiKey | None = Field(default=None, description="Stored encrypted; never shown again")

    @field_validator("api_key", mode="before")
    @classmethod
    def _without_surrounding_space(cls, value: object) -> object:
        # Pasted keys often bring a newline along; no provider's key has surrounding spaces.
        return value.strip() if isinstance(value, str) else value


class ProviderUpdate(ProviderIn, VersionedUpdate):
    api_key: ApiKey | None = Field(default=None, description="Absent keeps the stored key; a value replaces it")
    clear_api_key: bool = Field(default=False, description="Remove the stored key")


class ProviderOut(ResourceOut):
    type: ProviderType
    base_url: str | None
    default_model: str
    options: dict[str, Any]
    has_api_key: bool
    api_key_last4: str | None


class ProviderQuery(ResourceQuery):
    type: ProviderType | None = None


class ProviderTestIn(BaseModel):
    model: ModelName | None = Field(default=None, description="Defaults to the provider's default_model")


class ProviderTestOut(BaseModel):
    ok: bool
    latency_ms: int | None = Field(description="Time of the provider call; none when no call was made")
    model: str
    reply: str | None = None
    error: str | None = None
