"""Tenant API keys: ``cl_<8 visible characters>_<secret>``; only a SHA-256 of the whole key is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

KEY_PREFIX = "cl_"
_VISIBLE_LENGTH = 8
_ALPHABET = string.ascii_lowercase + string.digits


def generate_api_key() -> tuple[str, str]:
    """A new key and its visible prefix (what lists show and lookups use)."""
    visible = "".join(secrets.choice(_ALPHABET) for _ in range(_VISIBLE_LENGTH))
    prefix = f"{KEY_PREFIX}{visible}"
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def api_key_prefix(key: str) -> str | None:
    if not key.startswith(KEY_PREFIX):
        return None
    visible, separator, secret = key[len(KEY_PREFIX) :].partition("_")
    if not separator or len(visible) != _VISIBLE_LENGTH or not secret:
        return None
    return f"{KEY_PREFIX}{visible}"


def hash_secret(value: str) -> str:
    """For high-entropy random secrets (API keys, refresh and invitation tokens) a plain digest suffices."""
    return hashlib.sha256(value.encode()).hexdigest()


def secret_matches(value: str, digest: str) -> bool:
    return hmac.compare_digest(hash_secret(value), digest)
