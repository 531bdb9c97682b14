"""JWTs: one allowlisted algorithm; signature, exp, nbf, iss, aud and token type always checked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt

from crewloom.config import Settings
from crewloom.errors import Unauthorized
from crewloom.models.base import utcnow

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID
    tenant_id: uuid.UUID
    token_type: TokenType
    token_id: uuid.UUID
    family_id: uuid.UUID | None
    expires_at: datetime


def issue(
    settings: Settings,
    *,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    token_type: TokenType,
    token_id: uuid.UUID,
    lifetime: timedelta,
    family_id: uuid.UUID | None = None,
) -> tuple[str, datetime]:
    now = utcnow()
    expires_at = now + lifetime
    claims: dict[str, object] = {
        "sub": str(user_id),
        "tid": str(tenant_id),
        "typ": token_type,
        "jti": str(token_id),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": expires_at,
    }
    if family_id is not None:
        claims["fam"] = str(family_id)
    return jwt.encode(claims, settings.signing_key(), algorithm=ALGORITHM), expires_at


def verify(settings: Settings, token: str, expected_type: TokenType) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            settings.signing_key(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "nbf", "iat", "iss", "aud", "sub", "tid", "typ", "jti"]},
        )
        if claims["typ"] != expected_type:
            raise Unauthorized(f"expected an {expected_type} token")
        family = claims.get("fam")
        return TokenClaims(
            subject=uuid.UUID(claims["sub"]),
            tenant_id=uuid.UUID(claims["tid"]),
            token_type=claims["typ"],
            token_id=uuid.UUID(claims["jti"]),
            family_id=uuid.UUID(family) if family else None,
            expires_at=datetime.fromtimestamp(claims["exp"]).astimezone(),
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("token expired") from exc
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError) as exc:
        raise Unauthorized("invalid token") from exc
