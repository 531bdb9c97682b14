"""Login brute-force limiting: sign-in failures counted per account and per client address in fixed
windows, in ``public.login_failures``, so every API process shares the same counts.

An attempt takes its slot before the password is checked, in a transaction of its own that commits at
once: concurrent guesses therefore cannot overrun a limit, and a failure stays counted although the
request itself answers with an error and rolls back. A successful sign-in gives its slots back within its own commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.auth.repository import LoginFailureRepository
from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.db.session import unit_of_work
from crewloom.errors import TooManyRequests
from crewloom.models.base import utcnow


@dataclass(frozen=True)
class _Limit:
    key: str
    maximum: int


def _account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def _address_key(address: str) -> str:
    return f"address:{address}"


class LoginThrottle:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings

    def _limits(self, email: str, address: str | None) -> list[_Limit]:
        # Unknown emails are counted like known ones, so a 429 does not reveal whether an account exists.
        limits = [_Limit(_account_key(email), self.settings.login_max_failures_per_account)]
        if address:
            limits.append(_Limit(_address_key(address), self.settings.login_max_failures_per_address))
        return limits

    async def reserve(self, email: str, address: str | None) -> None:
        """Count this attempt as a failure until it succeeds; 429 when the account or the address is
        over its limit, in which case nothing is counted (the transaction rolls back)."""
        window = timedelta(seconds=self.settings.login_failure_window_seconds)
        now = utcnow()
        async with unit_of_work(self.database) as session:
            repository = LoginFailureRepository(session)
            # Always account before address: one lock order, so two attempts cannot deadlock.
            for limit in self._limits(email, address):
                count, started = await repository.increment(limit.key, now=now, reset_if_opened_by=now - window)
                if count > limit.maximum:
                    retry_after = math.ceil((started + window - now).total_seconds())
                    raise TooManyRequests("too many failed sign-in attempts; try again later", retry_after=retry_after)

    @staticmethod
    async def forgive(session: AsyncSession, email: str, address: str | None) -> None:
        """A successful sign-in: the account starts afresh and the address gets its slot back. Done in
        the caller's transaction, so it holds only if the sign-in commits, and no second connection is
        taken while the caller holds one."""
        repository = LoginFailureRepository(session)
        await repository.remove(_account_key(email))
        if address:
            await repository.decrement(_address_key(address))
