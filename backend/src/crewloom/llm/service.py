"""The rules of LLM providers: which settings each type takes, the API key sealed at rest and shown
only by its last characters, deletion refused while in use, and the test call."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.audit.service import record
from crewloom.auth.principal import Principal
from crewloom.db.engine import Database
from crewloom.db.session import unit_of_work
from crewloom.errors import Unprocessable
from crewloom.kit.encryption import KeyRing, Sealed, SecretUnavailable
from crewloom.kit.ids import new_id
from crewloom.kit.pagination import Page
from crewloom.kit.resources import refuse_if_used
from crewloom.llm.gateway import (
    MOCK_DEFAULT_MODEL,
    OLLAMA_DEFAULT_URL,
    OPTIONS_BY_TYPE,
    ChatMessage,
    ProviderCallError,
    ProviderConfig,
    ProviderType,
    complete,
    mock_option_problems,
)
from crewloom.llm.repository import ProviderRepository
from crewloom.llm.schemas import (
    ProviderIn,
    ProviderOut,
    ProviderQuery,
    ProviderSettings,
    ProviderTestIn,
    ProviderTestOut,
    ProviderUpdate,
)
from crewloom.models import LlmProvider
from crewloom.models.base import utcnow
from crewloom.observability.context import hide

_URL_REQUIRED = frozenset({ProviderType.openai_compatible, ProviderType.azure})
_URL_ALLOWED = _URL_REQUIRED | {ProviderType.ollama}
# Showing the end of a short key would give away most of it.
_LAST4_MIN_LENGTH = 8
_USED_BY_LIMIT = 50
_TEST_PROMPT = "Reply with the single word: pong"
_TEST_MAX_TOKENS = 16
_TEST_TIMEOUT_SECONDS = 20.0
RESOURCE_TYPE = "llm_provider"


def provider_out(provider: LlmProvider) -> ProviderOut:
    return ProviderOut(
        id=provider.id,
        name=provider.name,
        description=provider.description,
        tags=provider.tags,
        version=provider.version,
        created_by=provider.created_by,
        created_at=provider.created_at,
        updated_at=provider.updated_at,
        type=ProviderType(provider.type),
        base_url=provider.base_url,
        default_model=provider.default_model,
        options=provider.options,
        has_api_key=provider.api_key_ciphertext is not None,
        api_key_last4=provider.api_key_last4,
    )


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _checked_base_url(settings: ProviderSettings) -> str | None:
    """The base URL to store, or 422 naming the field; every problem of the settings at once."""
    kind = settings.type
    problems = []
    if kind in _URL_REQUIRED and settings.base_url is None:
        problems.append(_problem("base_url", f"required for a {kind} provider"))
    if kind not in _URL_ALLOWED and settings.base_url is not None:
        hint = "" if kind is ProviderType.mock else "; use openai_compatible for a custom URL"
        problems.append(_problem("base_url", f"not used by a {kind} provider{hint}"))
    allowed = OPTIONS_BY_TYPE.get(kind, frozenset())
    for name in sorted(set(settings.options) - allowed):
        known = ", ".join(sorted(allowed)) or "none"
        problems.append(_problem(f"options.{name}", f"not an option of a {kind} provider (known: {known})"))
    for name in sorted(set(settings.options) & {"api_version", "organization"}):
        if not isinstance(settings.options[name], str):
            problems.append(_problem(f"options.{name}", "must be a string"))
    if kind is ProviderType.mock:
        problems.extend(_problem(field, message) for field, message in mock_option_problems(settings.options))
    if problems:
        raise Unprocessable(problems)
    if kind is ProviderType.ollama:
        return settings.base_url or OLLAMA_DEFAULT_URL
    return settings.base_url


def _sealed_key(ring: KeyRing, principal: Principal, api_key: str) -> dict[str, Any]:
    sealed = ring.seal(api_key, principal.tenant_id)
    return {
        "api_key_ciphertext": sealed.ciphertext,
        "api_key_key_id": sealed.key_id,
        "api_key_last4": api_key[-4:] if len(api_key) >= _LAST4_MIN_LENGTH else None,
    }


_NO_KEY = {"api_key_ciphertext": None, "api_key_key_id": None, "api_key_last4": None}


async def _record_key_change(session: AsyncSession, principal: Principal, provider_id: uuid.UUID, change: str) -> None:
    await record(
        session,
        principal,
        action="provider.key_change",
        resource_type=RESOURCE_TYPE,
        resource_id=provider_id,
        detail={"change": change},
    )


async def create_provider(
    session: AsyncSession, principal: Principal, ring: KeyRing, payload: ProviderIn
) -> ProviderOut:
    base_url = _checked_base_url(payload)
    if payload.type is ProviderType.mock and payload.api_key is not None:
        raise Unprocessable([_problem("api_key", "a mock provider takes no API key")])
    key = _sealed_key(ring, principal, payload.api_key.get_secret_value()) if payload.api_key else _NO_KEY
    provider = LlmProvider(
        id=new_id(),
        name=payload.name,
        description=payload.description,
        tags=payload.tags,
        type=payload.type.value,
        base_url=base_url,
        default_model=payload.default_model,
        options=dict(payload.options),
        created_by=principal.user_id,
        **key,
    )
    await ProviderRepository(session).add(provider)
    await record(
        session,
        principal,
        action="provider.create",
        resource_type=RESOURCE_TYPE,
        resource_id=provider.id,
        detail={"name": provider.name, "type": provider.type},
    )
    if payload.api_key is not None:
        await _record_key_change(session, principal, provider.id, "set")
    return provider_out(provider)


async def list_providers(session: AsyncSession, query: ProviderQuery) -> Page[ProviderOut]:
    providers, next_cursor = await ProviderRepository(session).list(query)
    return Page(items=[provider_out(provider) for provider in providers], next_cursor=next_cursor)


async def get_provider(session: AsyncSession, provider_id: uuid.UUID) -> ProviderOut:
    return provider_out(await ProviderRepository(session).get(provider_id))


def _key_change(provider: LlmProvider, payload: ProviderUpdate) -> str | None:
    had_key = provider.api_key_ciphertext is not None
    if payload.api_key is not None and payload.clear_api_key:
        raise Unprocessable([_problem("clear_api_key", "send either a new api_key or clear_api_key, not both")])
    if payload.type is ProviderType.mock:
        if payload.api_key is not None:
            raise Unprocessable([_problem("api_key", "a mock provider takes no API key")])
        if had_key and not payload.clear_api_key:
            raise Unprocessable([_problem("clear_api_key", "a mock provider has no API key: set clear_api_key")])
    if payload.api_key is not None:
        return "replaced" if had_key else "set"
    return "cleared" if payload.clear_api_key and had_key else None


async def update_provider(
    session: AsyncSession, principal: Principal, ring: KeyRing, provider_id: uuid.UUID, payload: ProviderUpdate
) -> ProviderOut:
    repository = ProviderRepository(session)
    provider = await repository.get(provider_id)
    base_url = _checked_base_url(payload)
    key_change = _key_change(provider, payload)
    changes: dict[str, Any] = {
        "name": payload.name,
        "description": payload.description,
        "tags": payload.tags,
        "type": payload.type.value,
        "base_url": base_url,
        "default_model": payload.default_model,
        "options": dict(payload.options),
    }
    changed = sorted(field for field, value in changes.items() if getattr(provider, field) != value)
    if payload.api_key is not None:
        changes.update(_sealed_key(ring, principal, payload.api_key.get_secret_value()))
    elif key_change == "cleared":
        changes.update(_NO_KEY)
    await repository.update(provider, payload.version, changes)
    if changed:
        await record(
            session,
            principal,
            action="provider.update",
            resource_type=RESOURCE_TYPE,
            resource_id=provider.id,
            detail={"name": provider.name, "changed": changed},
        )
    if key_change is not None:
        await _record_key_change(session, principal, provider.id, key_change)
    return provider_out(provider)


async def delete_provider(session: AsyncSession, principal: Principal, provider_id: uuid.UUID) -> None:
    repository = ProviderRepository(session)
    provider = await repository.get(provider_id)
    refuse_if_used(f"LLM provider {provider.name!r}", await repository.users(provider.id, _USED_BY_LIMIT))
    await repository.delete(provider)
    await record(
        session,
        principal,
        action="provider.delete",
        resource_type=RESOURCE_TYPE,
        resource_id=provider.id,
        detail={"name": provider.name, "type": provider.type},
    )


async def probe_provider(
    database: Database, principal: Principal, ring: KeyRing, provider_id: uuid.UUID, payload: ProviderTestIn
) -> ProviderTestOut:
    """One tiny real call. The provider's refusal is a result (ok=false with its own message), not an
    error of this API. The database connection goes back to the pool before the call, which may take
    seconds."""
    async with unit_of_work(database, principal.schema) as session:
        provider = await ProviderRepository(session).get(provider_id)
        model = payload.model or provider.default_model
        kind = ProviderType(provider.type)
        base_url, options = provider.base_url, dict(provider.options)
        sealed = (
            Sealed(provider.api_key_ciphertext, provider.api_key_key_id or "")
            if provider.api_key_ciphertext is not None
            else None
        )
    try:
        api_key = ring.open(sealed, principal.tenant_id) if sealed is not None else None
    except SecretUnavailable as exc:
        return ProviderTestOut(
            ok=False, latency_ms=None, model=model, error=f"the stored API key cannot be used ({exc}): set it again"
        )
    if api_key:
        hide((api_key,))
    config = ProviderConfig(type=kind, api_key=api_key, base_url=base_url, options=options)
    try:
        completion = await complete(
            config,
            model,
            [ChatMessage(role="user", content=_TEST_PROMPT)],
            max_tokens=_TEST_MAX_TOKENS,
            request_timeout=_TEST_TIMEOUT_SECONDS,
            num_retries=0,
        )
    except ProviderCallError as exc:
        return ProviderTestOut(ok=False, latency_ms=exc.latency_ms, model=model, error=exc.message)
    return ProviderTestOut(ok=True, latency_ms=completion.latency_ms, model=model, reply=completion.text)


async def seed_mock_provider(session: AsyncSession, schema: str) -> None:
    """Give a new tenant the offline mock provider, in the provisioning transaction (``session`` may be
    bound to ``public``: the statement names the tenant's schema)."""
    now = utcnow()
    await ProviderRepository(session).insert_into(
        schema,
        {
            "id": new_id(),
            "name": "Mock (offline)",
            "description": "Answers instantly without any network; for trying flows out and for tests.",
            "tags": [],
            "version": 1,
            "created_by": None,
            "created_at": now,
            "updated_at": now,
            "type": ProviderType.mock.value,
            "base_url": None,
            "default_model": MOCK_DEFAULT_MODEL,
            "options": {},
        },
    )
