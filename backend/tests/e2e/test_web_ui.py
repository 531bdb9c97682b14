"""The built web UI in Debian's Chromium: sign up, the app shell, a deep link that survives a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, unique_email
from tests.e2e.conftest import ConsoleErrors, screenshot


def test_a_new_user_signs_up_and_a_deep_link_survives_a_reload(
    page: Page, base_url: str, console_errors: ConsoleErrors
) -> None:
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
    screenshot(page, "web-ui-agents-empty")

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
    console_errors.assert_none()


def test_a_wrong_password_is_refused_in_the_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(unique_email("nobody"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{base_url}/login")
