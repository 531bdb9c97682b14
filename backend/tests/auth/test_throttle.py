"""Brute-force limiting of sign-in, per account and per client address."""

from __future__ import annotations

import asyncio

import httpx

from tests.auth.conftest import login
from tests.conftest import register, unique_email

# strict_client's server: 3 failures per account, 6 per address, in a 600-second window.
ACCOUNT_LIMIT = 3
ADDRESS_LIMIT = 6
WINDOW = 600


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "too_many_requests"
    assert 0 < int(response.headers["Retry-After"]) <= WINDOW


async def test_an_account_is_throttled_even_for_the_right_password(strict_client: httpx.AsyncClient) -> None:
    account = await register(strict_client)
    for _ in range(ACCOUNT_LIMIT):
        assert (await login(strict_client, account.email, "wrong password")).status_code == 401
    assert_throttled(await login(strict_client, account.email, "wrong password"))
    # Checked before the password: the right one is refused too, so guessing on gains nothing.
    assert_throttled(await login(strict_client, account.email))


async def test_unknown_emails_are_throttled_alike(strict_client: httpx.AsyncClient) -> None:
    email = unique_email("ghost")
    for _ in range(ACCOUNT_LIMIT):
        assert (await login(strict_client, email, "wrong password")).status_code == 401
    assert_throttled(await login(strict_client, email, "wrong password"))


async def test_a_success_clears_the_account_count(strict_client: httpx.AsyncClient) -> None:
    account = await register(strict_client)
    for _ in range(ACCOUNT_LIMIT - 1):
        assert (await login(strict_client, account.email, "wrong password")).status_code == 401
    assert (await login(strict_client, account.email)).status_code == 200
    for _ in range(ACCOUNT_LIMIT):
        assert (await login(strict_client, account.email, "wrong password")).status_code == 401
    assert_throttled(await login(strict_client, account.email))


async def test_an_address_is_throttled_across_accounts(strict_client: httpx.AsyncClient) -> None:
    for _ in range(ADDRESS_LIMIT):
        assert (await login(strict_client, unique_email("spray"), "wrong password")).status_code == 401
    assert_throttled(await login(strict_client, unique_email("spray"), "wrong password"))
    account = await register(strict_client)
    assert_throttled(await login(strict_client, account.email))


async def test_successes_do_not_use_up_the_address(strict_client: httpx.AsyncClient) -> None:
    account = await register(strict_client)
    for _ in range(ADDRESS_LIMIT + 2):
        assert (await login(strict_client, account.email)).status_code == 200


async def test_concurrent_guesses_cannot_overrun_the_limit(strict_client: httpx.AsyncClient) -> None:
    account = await register(strict_client)
    answers = await asyncio.gather(*(login(strict_client, account.email, "wrong password") for _ in range(10)))
    statuses = sorted(response.status_code for response in answers)
    assert statuses == [401] * ACCOUNT_LIMIT + [429] * (10 - ACCOUNT_LIMIT)
