"""The built web UI in Debian's Chromium: sign up, the app shell, a deep link that survives a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.conftest import PASSWORD, unique_email

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def _collect_console_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_new_user_signs_up_and_a_deep_link_survives_a_reload(page: Page, base_url: str) -> None:
    errors = _collect_console_errors(page)
    email = unique_email("ui")

    page.goto(f"{base_url}/signup")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Workspace name").fill("Analytical Engines")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{base_url}/agents")
    expect(page.get_by_label("Workspace")).to_have_text("Analytical Engines")
    expect(page.get_by_role("heading", name="Agents")).to_be_visible()
    expect(page.get_by_text("No agents yet")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "web-ui-agents-empty.png", full_page=True)

    page.reload()
    expect(page).to_have_url(f"{base_url}/agents")
    expect(page.get_by_text("No agents yet")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base_url}/login")
    page.goto(f"{base_url}/agents")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fagents$"))

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/agents")
    assert errors == []


def test_a_wrong_password_is_refused_in_the_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(unique_email("nobody"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{base_url}/login")
