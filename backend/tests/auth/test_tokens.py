"""Access tokens: anything but a well-formed, correctly signed, current HS256 access token is a 401."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from crewloom.config import Settings
from tests.auth.conftest import access_claims, bearer, forge
from tests.conftest import Account

ME = "/api/v1/me"
Forger = Callable[[Settings, Account], str]


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _seconds(value: Any) -> int:
    return int(value.timestamp())


def _alg_none(settings: Settings, account: Account) -> str:
    claims = json.loads(json.dumps(access_claims(settings, account), default=_seconds))
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."


def _alg_none_with_valid_signature(settings: Settings, account: Account) -> str:
    # A genuine token whose header is swapped for alg none, keeping the signature.
    _, payload, signature = forge(settings, access_claims(settings, account)).split(".")
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}"


def _tampered_signature(settings: Settings, account: Account) -> str:
    header, payload, signature = forge(settings, access_claims(settings, account)).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{header}.{payload}.{flipped}"


def _tampered_payload(settings: Settings, account: Account) -> str:
    header, _, signature = forge(settings, access_claims(settings, account)).split(".")
    claims = access_claims(settings, account, tid=str(uuid.uuid4()))
    claims = {name: int(value.timestamp()) if isinstance(value, datetime) else value for name, value in claims.items()}
    return f"{header}.{_segment(claims)}.{signature}"


def _other_secret(settings: Settings, account: Account) -> str:
    return jwt.encode(access_claims(settings, account), "another-secret-" + "y" * 32, algorithm="HS256")


def _claims_case(**overrides: Any) -> Forger:
    return lambda settings, account: forge(settings, access_claims(settings, account, **overrides))


def _algorithm_case(algorithm: str) -> Forger:
    return lambda settings, account: forge(settings, access_claims(settings, account), algorithm=algorithm)


_NOW = datetime.now(UTC)
_HOUR_AGO = _NOW - timedelta(hours=1)
CASES: dict[str, Forger] = {
    "alg-none": _alg_none,
    "alg-none-keeping-signature": _alg_none_with_valid_signature,
    "tampered-signature": _tampered_signature,
    "tampered-payload": _tampered_payload,
    "other-secret": _other_secret,
    "hs512": _algorithm_case("HS512"),
    "hs384": _algorithm_case("HS384"),
    "expired": _claims_case(
        iat=_NOW - timedelta(hours=2), nbf=_NOW - timedelta(hours=2), exp=_NOW - timedelta(hours=1)
    ),
    "nbf-in-future": _claims_case(nbf=_NOW + timedelta(hours=1)),
    "wrong-audience": _claims_case(aud="someone-else"),
    "wrong-issuer": _claims_case(iss="someone-else"),
    "refresh-type": _claims_case(typ="refresh"),
    "no-expiry": _claims_case(exp=None),
    "no-tenant": _claims_case(tid=None),
    "not-a-uuid-subject": _claims_case(sub="admin"),
    "unknown-user": _claims_case(sub=str(uuid.uuid4())),
    "other-tenant": _claims_case(tid=str(uuid.uuid4())),
    "garbage": lambda settings, account: "garbage",
    "three-garbage-parts": lambda settings, account: "aaa.bbb.ccc",
}


async def test_a_correctly_forged_token_is_accepted(
    client: httpx.AsyncClient, settings: Settings, account: Account
) -> None:
    # The control case: the forger makes valid tokens, so each refusal below is due to its one defect.
    response = await client.get(ME, headers=bearer(forge(settings, access_claims(settings, account))))
    assert response.status_code == 200, response.text


# HS512 wants a 64-byte key; the warning about the test secret's length is beside the point here.
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
async def test_bad_access_tokens_are_401(
    client: httpx.AsyncClient, settings: Settings, account: Account, make: Forger
) -> None:
    response = await client.get(ME, headers=bearer(make(settings, account)))
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_a_real_refresh_token_is_not_an_access_token(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(ME, headers=bearer(account.refresh_token))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["missing", "empty", "no-token", "basic-scheme"],
)
async def test_missing_credentials_are_401(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get(ME, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "detail": "authentication required"}
