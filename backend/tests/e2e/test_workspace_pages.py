"""The workspace pages in Debian's Chromium: inviting and joining, roles, API keys, the audit log, switching
workspaces, and the settings."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import PASSWORD, unique_email
from tests.e2e.conftest import ConsoleErrors, SignedIn, screenshot


def _allow_clipboard(page: Page, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)


def _clipboard(page: Page) -> str:
    text: str = page.evaluate("navigator.clipboard.readText()")
    return text


def _open(page: Page, link: str, heading: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def _switch_workspace(page: Page, current: str, target: str) -> None:
    page.get_by_role("button", name=f"Workspace: {current}").click()
    page.get_by_role("menuitemradio", name=re.compile(re.escape(target))).click()
    expect(page.get_by_role("button", name=f"Workspace: {target}")).to_be_visible()


@pytest.fixture
def fresh_page(browser: Browser, console_errors: ConsoleErrors) -> Iterator[Page]:
    """A second browser with nothing shared with the first: no session, no storage."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    console_errors.watch(page)
    yield page
    context.close()


def test_an_invited_viewer_joins_by_the_copied_link_and_sees_no_admin_controls(
    admin: SignedIn, fresh_page: Page, base_url: str, console_errors: ConsoleErrors
) -> None:
    page = admin.page
    _allow_clipboard(page, base_url)
    _open(page, "Members", "Members")
    email = unique_email("viewer")
    page.get_by_role("button", name="Invite member").click()
    dialog = page.get_by_role("dialog", name="Invite a teammate")
    dialog.get_by_label("Email").fill(email)
    dialog.get_by_label("Role").select_option("viewer")
    dialog.get_by_role("button", name="Create invitation").click()
    link_field = dialog.get_by_label("Invitation link", exact=True)
    expect(link_field).to_have_value(re.compile(r"/invitations/accept\?token=.+"))
    expect(dialog).to_contain_text("shown only now")
    dialog.get_by_role("button", name="Copy invitation link").click()
    expect(dialog.get_by_role("button", name="Copy invitation link")).to_have_text("Copied")
    link = _clipboard(page)
    assert link == link_field.input_value()
    dialog.get_by_role("button", name="Done").click()
    pending = page.get_by_role("region", name="Pending invitations")
    expect(pending.get_by_role("row", name=re.compile(re.escape(email)))).to_contain_text("Viewer")
    screenshot(page, "workspace-members")

    invitee = fresh_page
    invitee.goto(link)
    invitee.get_by_label("Your name").fill("Vera Viewer")
    invitee.get_by_label("Choose a password").fill(PASSWORD)
    invitee.get_by_role("button", name="Accept invitation").click()
    navigation = invitee.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Members")).to_be_visible()
    expect(invitee.get_by_role("button", name="Workspace: Analytical Engines")).to_be_visible()
    expect(navigation.get_by_role("link", name="API keys")).to_have_count(0)
    expect(navigation.get_by_role("link", name="Audit log")).to_have_count(0)
    _open(invitee, "Members", "Members")
    own_row = invitee.get_by_role("region", name="People").get_by_role("row", name=re.compile(re.escape(email)))
    expect(own_row).to_contain_text("Viewer")
    expect(invitee.get_by_role("button", name="Invite member")).to_have_count(0)
    expect(invitee.get_by_role("combobox")).to_have_count(0)
    expect(invitee.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    expect(invitee.get_by_role("heading", name="Pending invitations")).to_have_count(0)
    _open(invitee, "Settings", "Settings")
    expect(invitee.get_by_text("Only admins can rename the workspace.")).to_be_visible()
    expect(invitee.get_by_role("heading", name="Danger zone")).to_have_count(0)
    invitee.goto(f"{base_url}/api-keys")
    expect(invitee.get_by_text("Only admins manage API keys")).to_be_visible()

    page.reload()
    role = page.get_by_label("Role for Vera Viewer")
    expect(role).to_have_value("viewer")
    role.select_option("member")
    expect(page.get_by_text("Vera Viewer is now member.")).to_be_visible()
    members = admin.api.get("/members").json()["items"]
    assert {member["email"]: member["role"] for member in members}[email] == "member"
    expect(page.get_by_label("Role for Test User")).to_be_disabled()

    invitee.reload()
    expect(invitee.get_by_role("banner").get_by_text("Member", exact=True)).to_be_visible()

    _open(page, "Audit log", "Audit log")
    events = page.get_by_role("list", name="Audit events")
    expect(events).to_contain_text(f"invited {email} as viewer")
    expect(events).to_contain_text("Vera Viewer accepted an invitation and joined as viewer")
    expect(events).to_contain_text("changed the role of Vera Viewer from viewer to member")
    console_errors.assert_none()


def _create_key(page: Page, name: str, role: str) -> tuple[Locator, str]:
    page.get_by_role("button", name="Create API key").click()
    dialog = page.get_by_role("dialog", name="Create an API key")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Role").select_option(role)
    dialog.get_by_role("button", name="Create key").click()
    secret = dialog.get_by_label(f"API key “{name}”", exact=True)
    expect(secret).to_have_value(re.compile(r"^cl_[a-z0-9]{8}_.+"))
    return dialog, secret.input_value()


def test_an_api_key_is_shown_once_works_until_revoked_and_the_audit_log_shows_it(
    admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    page = admin.page
    _allow_clipboard(page, base_url)
    _open(page, "API keys", "API keys")
    expect(page.get_by_text("No API keys yet")).to_be_visible()

    page.get_by_role("button", name="Create API key").click()
    dialog = page.get_by_role("dialog", name="Create an API key")
    dialog.get_by_role("button", name="Create key").click()
    expect(dialog.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_role("alert")).to_be_visible()
    console_errors.forget("status of 422")
    dialog.get_by_role("button", name="Cancel").click()

    dialog, key = _create_key(page, "Deploy bot", "viewer")
    expect(dialog).to_contain_text("it will not be shown again")
    dialog.get_by_role("button", name="Copy API key").click()
    expect(dialog.get_by_role("button", name="Copy API key")).to_have_text("Copied")
    expect(dialog.get_by_text("Copied to the clipboard.")).to_be_visible()
    assert _clipboard(page) == key
    me = httpx.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200, me.text
    assert (me.json()["role"], me.json()["user"]) == ("viewer", None)
    screenshot(page, "workspace-api-key-created")
    dialog.get_by_role("button", name="Done").click()
    assert key not in page.content()

    row = page.get_by_role("row", name=re.compile("Deploy bot"))
    expect(row).to_contain_text(key[:11])
    expect(row).to_contain_text("Active")
    screenshot(page, "workspace-api-keys")
    row.get_by_role("button", name="Revoke Deploy bot").click()
    confirm = page.get_by_role("dialog", name="Revoke “Deploy bot”?")
    confirm.get_by_role("button", name="Cancel").click()
    expect(row).to_contain_text("Active")
    row.get_by_role("button", name="Revoke Deploy bot").click()
    confirm.get_by_role("button", name="Revoke key").click()
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name="Revoke Deploy bot")).to_have_count(0)
    assert httpx.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401

    _open(page, "Audit log", "Audit log")
    events = page.get_by_role("list", name="Audit events")
    expect(events).to_contain_text("Test User created API key “Deploy bot” with the viewer role")
    expect(events).to_contain_text("Test User revoked API key “Deploy bot”")
    page.get_by_label("Action").select_option("api_key.revoke")
    expect(page).to_have_url(re.compile(r"/audit\?action=api_key\.revoke$"))
    expect(events.get_by_role("listitem")).to_have_count(1)
    events.get_by_role("button", name=re.compile("^Details")).click()
    expect(events).to_contain_text('"prefix": "' + key[:11] + '"')
    page.get_by_label("From").fill("2999-01-01T00:00")
    expect(page.get_by_text("No event matches these filters")).to_be_visible()
    page.get_by_role("button", name="Clear").click()
    expect(page).to_have_url(f"{base_url}/audit")
    expect(events.get_by_role("listitem")).to_have_count(2)
    console_errors.assert_none()


def test_the_switcher_moves_between_workspaces_and_settings_rename_and_delete_one(
    admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30) as http:
        owner = http.post(
            "/auth/register",
            json={
                "email": unique_email("owner"),
                "password": PASSWORD,
                "display_name": "Olive Owner",
                "tenant_name": "Second Shop",
            },
        ).json()
        invited = http.post(
            "/invitations",
            json={"email": admin.account.email, "role": "admin"},
            headers={"Authorization": f"Bearer {owner['access_token']}"},
        )
        assert invited.status_code == 201, invited.text
        accepted = http.post("/invitations/accept", json={"token": invited.json()["token"], "password": PASSWORD})
        assert accepted.status_code == 200, accepted.text

    page = admin.page
    page.goto(f"{base_url}/members")
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    people = page.get_by_role("region", name="People")

    def member_row(name: str) -> Locator:
        return people.get_by_role("row", name=re.compile(name))

    expect(member_row("Olive Owner")).to_have_count(0)
    _switch_workspace(page, "Analytical Engines", "Second Shop")
    expect(page).to_have_url(f"{base_url}/members")
    expect(member_row("Olive Owner")).to_be_visible()
    _switch_workspace(page, "Second Shop", "Analytical Engines")
    expect(page).to_have_url(f"{base_url}/members")
    expect(member_row("Test User")).to_be_visible()
    expect(member_row("Olive Owner")).to_have_count(0)

    _open(page, "Settings", "Settings")
    name = page.get_by_label("Workspace name")
    name.fill("   ")
    page.get_by_role("button", name="Save").click()
    expect(name).to_have_attribute("aria-invalid", "true")
    console_errors.forget("status of 422")
    name.fill("Analytical Engines Ltd")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Workspace renamed.")).to_be_visible()
    expect(page.get_by_role("button", name="Workspace: Analytical Engines Ltd")).to_be_visible()
    assert admin.api.get("/tenant").json()["name"] == "Analytical Engines Ltd"

    _switch_workspace(page, "Analytical Engines Ltd", "Second Shop")
    expect(name).to_have_value("Second Shop")
    page.get_by_role("button", name="Delete workspace…").click()
    dialog = page.get_by_role("dialog", name="Delete Second Shop?")
    expect(dialog).to_contain_text("You will continue in Analytical Engines Ltd.")
    delete = dialog.get_by_role("button", name="Delete this workspace")
    dialog.get_by_label("Type “Second Shop” to confirm").fill("Second")
    expect(delete).to_be_disabled()
    dialog.get_by_label("Type “Second Shop” to confirm").fill("Second Shop")
    delete.click()
    expect(page.get_by_role("button", name="Workspace: Analytical Engines Ltd")).to_be_visible()
    page.get_by_role("button", name="Workspace: Analytical Engines Ltd").click()
    expect(page.get_by_role("menuitemradio")).to_have_count(1)
    me = admin.api.get("/me").json()
    assert [membership["tenant_name"] for membership in me["memberships"]] == ["Analytical Engines Ltd"]
    console_errors.assert_none()
