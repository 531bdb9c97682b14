"""Shared pieces of the browser tests: Debian's Chromium, a page whose console errors are collected, and a
signed-in user whose API calls set up what a test needs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.conftest import PASSWORD, Account, join_by_invitation, register

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


# The browser tests run beside the rest of the suite on a two-core machine: a page may take longer than
# Playwright's default five seconds to catch up with what it was told.
expect.set_options(timeout=15_000)


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@dataclass
class ConsoleErrors:
    """Errors the page logged or threw; every browser test ends with none."""

    messages: list[str]

    def watch(self, page: Page) -> None:
        """Collects what ``page`` logs as an error or throws."""

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.messages.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.messages.append(str(error)))

    def forget(self, pattern: str) -> None:
        """Drops the one message containing ``pattern`` that the test provoked on purpose (the browser logs each
        refused request, e.g. "status of 422"), and asserts it was there exactly once."""
        matching = [message for message in self.messages if pattern in message]
        assert len(matching) == 1, self.messages
        self.messages.remove(matching[0])

    def assert_none(self) -> None:
        assert self.messages == [], self.messages


@pytest.fixture
def console_errors() -> ConsoleErrors:
    return ConsoleErrors(messages=[])


@pytest.fixture
def page(browser: Browser, console_errors: ConsoleErrors) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    console_errors.watch(page)
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    """Keeps a screenshot as a test artefact in backend/test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@dataclass
class SignedIn:
    """A user signed in to the UI in ``page``; ``api`` calls the same API as that user."""

    page: Page
    account: Account
    api: httpx.Client


def _new_account(base_url: str, role: str) -> Account:
    async def create() -> Account:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            admin = await register(client, tenant_name="Analytical Engines")
            return admin if role == "admin" else await join_by_invitation(client, admin, role)

    # Playwright's sync API keeps an event loop running in this thread; the set-up gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, create()).result()


def sign_in(page: Page, base_url: str, role: str = "admin") -> SignedIn:
    """A new workspace (with the user as ``role`` in it), logged in through the login form."""
    account = _new_account(base_url, role)
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    api = httpx.Client(base_url=f"{base_url}/api/v1", headers=account.headers, timeout=30)
    return SignedIn(page=page, account=account, api=api)


@pytest.fixture
def admin(page: Page, base_url: str) -> Iterator[SignedIn]:
    signed_in = sign_in(page, base_url)
    yield signed_in
    signed_in.api.close()
