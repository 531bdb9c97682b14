"""Secrets at rest: AES-256-GCM, the tenant id as associated data (a ciphertext copied into another
tenant does not decrypt), and a key id on every ciphertext so that master keys can rotate.

Master keys come from ``CREWLOOM_MASTER_KEYS`` ("id:base64key,id:base64key", the first encrypts), or
from ``master.keys`` in the data directory, created on first use with one fresh key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crewloom.config import Settings

_NONCE_BYTES = 12
_KEY_BYTES = 32
KEY_FILE_NAME = "master.keys"


class SecretUnavailable(Exception):
    """A stored secret cannot be decrypted: its key is not configured, or the data was tampered with."""


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    key_id: str


def new_master_key() -> tuple[str, bytes]:
    return f"k{secrets.token_hex(4)}", AESGCM.generate_key(bit_length=_KEY_BYTES * 8)


def _parse(spec: str) -> list[tuple[str, bytes]]:
    keys = []
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        key_id, _, encoded = entry.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"master key {key_id!r} is not base64") from exc
        if not key_id or len(key) != _KEY_BYTES:
            raise ValueError(f"master key {key_id!r} must be 'id:' followed by 32 bytes in base64")
        keys.append((key_id, key))
    return keys


def format_keys(keys: list[tuple[str, bytes]]) -> str:
    return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in keys)


def key_file(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE_NAME


def write_key_file(path: Path, keys: list[tuple[str, bytes]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"keys": format_keys(keys)}))
    temporary.chmod(0o600)
    os.replace(temporary, path)


def configured_keys(settings: Settings) -> list[tuple[str, bytes]]:
    if settings.master_keys:
        return _parse(settings.master_keys)
    path = key_file(settings)
    if not path.exists():
        _create_key_file(path)
    return _parse(json.loads(path.read_text())["keys"])


def _create_key_file(path: Path) -> None:
    """The first key, written complete under a temporary name and linked into place only if no other
    process (e.g. another API worker starting at the same moment) got there first: one key wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    candidate.write_text(json.dumps({"keys": format_keys([new_master_key()])}))
    candidate.chmod(0o600)
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()


class KeyRing:
    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise ValueError("at least one master key is needed")
        self.current_id = keys[0][0]
        self._keys = dict(keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        return cls(configured_keys(settings))

    def seal(self, plaintext: str, tenant_id: uuid.UUID) -> Sealed:
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = AESGCM(self._keys[self.current_id]).encrypt(nonce, plaintext.encode(), tenant_id.bytes)
        return Sealed(nonce + ciphertext, self.current_id)

    def open(self, sealed: Sealed, tenant_id: uuid.UUID) -> str:
        key = self._keys.get(sealed.key_id)
        if key is None:
            raise SecretUnavailable(f"the master key {sealed.key_id!r} is not configured")
        nonce, ciphertext = sealed.ciphertext[:_NONCE_BYTES], sealed.ciphertext[_NONCE_BYTES:]
        try:
            return AESGCM(key).decrypt(nonce, ciphertext, tenant_id.bytes).decode()
        except InvalidTag as exc:
            raise SecretUnavailable("the stored secret does not decrypt for this tenant") from exc
