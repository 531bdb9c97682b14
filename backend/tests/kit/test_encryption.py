"""The key ring: tenant-bound ciphertexts, rotation by key id, one key file however many start at once."""

from __future__ import annotations

import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from crewloom.config import Settings
from crewloom.kit.encryption import KeyRing, Sealed, SecretUnavailable, configured_keys, format_keys, new_master_key


def _first_key_id(data_dir: str) -> str:
    return configured_keys(Settings(data_dir=Path(data_dir)))[0][0]


def test_a_secret_opens_only_for_its_tenant() -> None:
    ring = KeyRing([new_master_key()])
    tenant = uuid.uuid4()
    sealed = ring.seal("sk-live-123456", tenant)
    assert b"sk-live-123456" not in sealed.ciphertext
    assert ring.open(sealed, tenant) == "sk-live-123456"
    with pytest.raises(SecretUnavailable):
        ring.open(sealed, uuid.uuid4())


def test_tampering_and_unknown_keys_are_refused() -> None:
    ring = KeyRing([new_master_key()])
    tenant = uuid.uuid4()
    sealed = ring.seal("secret", tenant)
    flipped = bytes([sealed.ciphertext[-1] ^ 1])
    with pytest.raises(SecretUnavailable):
        ring.open(Sealed(sealed.ciphertext[:-1] + flipped, sealed.key_id), tenant)
    with pytest.raises(SecretUnavailable, match="not configured"):
        ring.open(Sealed(sealed.ciphertext, "k-missing"), tenant)


def test_older_keys_still_open_after_a_new_one_leads() -> None:
    old, new = new_master_key(), new_master_key()
    tenant = uuid.uuid4()
    sealed = KeyRing([old]).seal("secret", tenant)
    rotated = KeyRing([new, old])
    assert rotated.open(sealed, tenant) == "secret"
    assert rotated.seal("secret", tenant).key_id == new[0]


def test_configured_keys_come_from_the_environment_first(tmp_path: Path) -> None:
    keys = [new_master_key(), new_master_key()]
    settings = Settings(data_dir=tmp_path, master_keys=format_keys(keys))
    assert configured_keys(settings) == keys
    assert not (tmp_path / "master.keys").exists()


def test_malformed_configured_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        configured_keys(Settings(data_dir=tmp_path, master_keys="k1:c2hvcnQ="))


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    with ProcessPoolExecutor(4) as pool:
        key_ids = set(pool.map(_first_key_id, [str(tmp_path)] * 12))
    assert len(key_ids) == 1
    assert oct((tmp_path / "master.keys").stat().st_mode & 0o777) == "0o600"
    assert [path.name for path in tmp_path.iterdir()] == ["master.keys"]
