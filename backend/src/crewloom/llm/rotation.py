"""Re-encrypting one tenant's secrets (provider API keys and tool secrets) under the current master key."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.kit.encryption import KeyRing, SecretUnavailable
from crewloom.llm.repository import SealedSecretRepository


@dataclass
class ResealReport:
    resealed: int = 0
    current: int = 0
    # Changed by someone else while being re-encrypted; the next pass takes the new value.
    raced: int = 0
    # Under a key that is not configured: removing old keys would not lose them, but they are lost.
    missing_key: list[str] = field(default_factory=list)
    # Under a configured key but not decrypting for this tenant: damaged or copied from elsewhere.
    damaged: list[str] = field(default_factory=list)


async def reseal_tenant(
    session: AsyncSession, ring: KeyRing, tenant_id: uuid.UUID, known_key_ids: Collection[str]
) -> ResealReport:
    report = ResealReport()
    repository = SealedSecretRepository(session)
    for secret in await repository.all():
        if secret.sealed.key_id == ring.current_id:
            report.current += 1
            continue
        label = f"{secret.owner} {secret.id} ({secret.name!r}, key {secret.sealed.key_id!r})"
        if secret.sealed.key_id not in known_key_ids:
            report.missing_key.append(label)
            continue
        try:
            plaintext = ring.open(secret.sealed, tenant_id)
        except SecretUnavailable:
            report.damaged.append(label)
            continue
        if await repository.replace(secret, ring.seal(plaintext, tenant_id)):
            report.resealed += 1
        else:
            report.raced += 1
    return report
