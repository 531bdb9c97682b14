"""The building-block pages in Debian's Chromium: LLM providers, agents, crews with their ordered tasks,
custom tools written in the code editor and tried in the sandbox, CrewAI import and export, and what a
viewer may not do."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import PASSWORD, Account, join_by_invitation
from tests.e2e.conftest import ConsoleErrors, SignedIn, screenshot

AGENTS_YAML = b"""researcher:
  role: News researcher
  goal: Find the latest news about {topic}
  backstory: Reads everything.
"""
TASKS_YAML = b"""research_task:
  description: Collect the news about {topic}
  expected_output: Ten bullet points
  agent: researcher
"""
WORD_COUNTER = "def count(text: str) -> dict:\n    print('counting')\n    return {'words': len(text.split())}"


def _open(page: Page, link: str, heading: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def _saved_id(page: Page, section: str) -> str:
    expect(page).to_have_url(re.compile(rf"/{section}/[0-9a-f-]{{36}}$"))
    return page.url.rsplit("/", 1)[1]


def _task(page: Page, number: int) -> Locator:
    return page.get_by_role("listitem", name=re.compile(rf"^Task {number}:"))


def _screenshot_whole(page: Page, name: str) -> None:
    """The whole page in a window as tall as it, so that sticky header and footer sit where they belong."""
    viewport = page.viewport_size
    assert viewport is not None
    height: int = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": height})
    screenshot(page, name)
    page.set_viewport_size(viewport)


def _confirm_delete(page: Page, noun: str) -> None:
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("dialog", name=f"Delete {noun}").get_by_role("button", name=f"Delete {noun}").click()


def test_an_admin_builds_a_provider_an_agent_and_a_crew_with_ordered_tasks(
    admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    page = admin.page
    _open(page, "LLM providers", "LLM providers")
    page.get_by_role("link", name="New provider").click()
    page.get_by_label("Name", exact=True).fill("Offline mock")
    page.get_by_label("Type", exact=True).select_option(label="OpenAI-compatible URL")
    page.get_by_label("Base URL").fill("ftp://models.example")
    page.get_by_label("Default model").fill("local-model")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Base URL")).to_have_accessible_description(re.compile("must be an http"))
    console_errors.forget("status of 422")

    page.get_by_label("Type", exact=True).select_option(label="Mock (offline)")
    expect(page.get_by_label("Base URL")).to_have_count(0)
    expect(page.get_by_label("API key")).to_have_count(0)
    page.get_by_label("Default model").fill("mock-1")
    page.get_by_role("button", name="Save").click()
    provider_id = _saved_id(page, "providers")
    expect(page.get_by_role("heading", name="Offline mock")).to_be_visible()
    page.get_by_role("button", name="Test connection to Offline mock").click()
    expect(page.get_by_role("status", name="Connection test of Offline mock")).to_contain_text(
        re.compile(r"Connected · mock-1 · \d+ ms")
    )

    _open(page, "Agents", "Agents")
    page.get_by_role("link", name="New agent").first.click()
    page.get_by_label("Name", exact=True).fill("Researcher")
    page.get_by_label("Role", exact=True).fill("Finds facts")
    page.get_by_label("Goal", exact=True).fill("Know everything about {topic}")
    page.get_by_label("LLM provider").select_option(label="Offline mock · mock")
    expect(page.get_by_label("Model", exact=True)).to_have_value("mock-1")
    page.get_by_role("button", name="Save").click()
    agent_id = _saved_id(page, "agents")
    assert admin.api.get(f"/agents/{agent_id}").json()["provider_id"] == provider_id

    _open(page, "Crews", "Crews")
    expect(page.get_by_text("No crews yet")).to_be_visible()
    page.get_by_role("link", name="New crew").first.click()
    page.get_by_label("Name", exact=True).fill("Research crew")
    page.get_by_role("checkbox", name=re.compile("^Researcher")).check()
    _task(page, 1).get_by_label("Description").fill("Research {topic}")
    _task(page, 1).get_by_label("Expected output").fill("Notes")
    page.get_by_role("button", name="Add task").click()
    second = _task(page, 2)
    expect(second.get_by_label("Agent")).to_have_value(agent_id)
    second.get_by_label("Description").fill("Write about {topic}")
    second.get_by_label("Expected output").fill("An article")
    second.get_by_role("checkbox", name="1. task_1").check()

    # Reordered by keyboard: focus stays on the moved task's controls, its context on a later task goes.
    page.get_by_role("button", name="Move task_2 up").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="task_2 moved to position 1")).to_contain_text(
        "task_2 no longer receives task_1"
    )
    expect(page.get_by_role("button", name="Move task_2 down")).to_be_focused()
    expect(_task(page, 1).get_by_text("The first task has no earlier tasks")).to_be_visible()
    _task(page, 2).get_by_role("checkbox", name="1. task_2").check()
    _screenshot_whole(page, "resource-pages-crew-editor")
    page.get_by_role("button", name="Save").click()
    crew_id = _saved_id(page, "crews")
    crew = admin.api.get(f"/crews/{crew_id}").json()
    assert [(task["key"], task["context"], task["agent_id"]) for task in crew["tasks"]] == [
        ("task_2", [], agent_id),
        ("task_1", ["task_2"], agent_id),
    ]
    expect(page.get_by_text("Inputs a run provides:")).to_contain_text("topic")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CrewAI project").click()
    assert download.value.suggested_filename.endswith(".zip")

    _confirm_delete(page, "crew")
    expect(page).to_have_url(f"{base_url}/crews")
    expect(page.get_by_text("No crews yet")).to_be_visible()
    console_errors.assert_none()


def test_a_custom_tool_typed_in_the_code_editor_runs_in_the_sandbox(
    admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    page = admin.page
    _open(page, "Tools", "Tools")
    page.get_by_role("link", name="New tool").first.click()
    page.get_by_label("Name", exact=True).fill("Word counter")
    expect(page.get_by_label("Kind")).to_have_value("custom")
    editor = page.get_by_role("textbox", name="Python source")
    editor.click()
    page.keyboard.press("Control+a")
    # Enter keeps the indentation, as in any code editor: the lines are typed without it.
    page.keyboard.type("def count(text: str) -> dict:\nprint('counting')\nreturn {'words': len(text.split())}")

    # A custom tool runs in the sandbox, which never receives secrets: the API's refusal shows.
    page.get_by_role("button", name="Add secrets").click()
    page.get_by_label("Secret 1 name").fill("TOKEN")
    page.get_by_label("Secret 1 value").fill("tok-123")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("custom tools run in the sandbox, which never receives secrets")).to_be_visible()
    console_errors.forget("status of 422")
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Save").click()
    tool_id = _saved_id(page, "tools")
    tool = admin.api.get(f"/tools/{tool_id}").json()
    assert (tool["config"]["source"], tool["config"]["function_name"], tool["secret_names"]) == (
        WORD_COUNTER,
        "count",
        [],
    )

    arguments = page.get_by_label("Arguments (JSON)")
    expect(arguments).to_have_value(re.compile(r'"text": ""'))
    arguments.fill('{"text": 5}')
    page.get_by_role("button", name="Run test").click()
    expect(arguments).to_have_accessible_description(re.compile("5 is not of type 'string'"))
    console_errors.forget("status of 422")

    arguments.fill('{"text": "one two three"}')
    page.get_by_role("button", name="Run test").click()
    result = page.get_by_role("region", name="Test result")
    expect(result).to_contain_text("Succeeded")
    expect(result.get_by_label("Result")).to_contain_text('"words": 3')
    expect(result.get_by_label("stdout")).to_have_text("counting\n")
    _screenshot_whole(page, "resource-pages-tool-test")

    _confirm_delete(page, "tool")
    expect(page).to_have_url(f"{base_url}/tools")
    expect(page.get_by_text("No tools yet")).to_be_visible()
    console_errors.assert_none()


def _viewer_of(base_url: str, admin: Account) -> Account:
    async def invite() -> Account:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            return await join_by_invitation(client, admin, "viewer")

    # Playwright's own event loop runs in this thread by now, so the invitation goes through another one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, invite()).result()


@pytest.fixture
def second_page(browser: Browser, console_errors: ConsoleErrors) -> Iterator[Page]:
    """Another browser with nothing shared with the admin's: no session, no storage."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    console_errors.watch(page)
    yield page
    context.close()


def test_a_crewai_project_imports_and_a_viewer_sees_it_without_controls(
    admin: SignedIn, second_page: Page, base_url: str, console_errors: ConsoleErrors
) -> None:
    page = admin.page
    _open(page, "Crews", "Crews")
    page.get_by_role("link", name="Import CrewAI project").first.click()
    page.get_by_label("agents.yaml", exact=True).set_input_files(
        {"name": "agents.yaml", "mimeType": "application/yaml", "buffer": AGENTS_YAML}
    )
    page.get_by_label("tasks.yaml", exact=True).set_input_files(
        {"name": "tasks.yaml", "mimeType": "application/yaml", "buffer": TASKS_YAML}
    )
    page.get_by_label("Crew name").fill("News crew")
    page.get_by_role("button", name="Import", exact=True).click()
    imported = page.get_by_role("status", name="Imported")
    expect(imported).to_contain_text("1 agent: researcher")
    expect(imported).to_contain_text("Inputs a run asks for: topic")
    imported.get_by_role("link", name="open the crew").click()
    expect(page.get_by_role("heading", name="News crew")).to_be_visible()
    expect(_task(page, 1).get_by_label("Key")).to_have_value("research_task")

    viewer = _viewer_of(base_url, admin.account)
    second_page.goto(f"{base_url}/login")
    second_page.get_by_label("Email").fill(viewer.email)
    second_page.get_by_label("Password").fill(PASSWORD)
    second_page.get_by_role("button", name="Log in").click()
    _open(second_page, "Crews", "Crews")
    expect(second_page.get_by_role("link", name="News crew")).to_be_visible()
    expect(second_page.get_by_role("link", name="New crew")).to_have_count(0)
    expect(second_page.get_by_role("link", name="Import CrewAI project")).to_have_count(0)
    second_page.get_by_role("link", name="News crew").click()
    expect(second_page.get_by_text("Read only: your role can view this crew")).to_be_visible()
    expect(_task(second_page, 1).get_by_label("Description")).to_be_disabled()
    for control in ("Save", "Delete", "Add task", "Move research_task down"):
        expect(second_page.get_by_role("button", name=control, exact=True)).to_have_count(0)
    expect(second_page.get_by_role("button", name="Export CrewAI project")).to_be_visible()

    _open(second_page, "LLM providers", "LLM providers")
    expect(second_page.get_by_role("link", name="New provider")).to_have_count(0)
    expect(second_page.get_by_role("button", name=re.compile("^Test connection"))).to_have_count(0)
    second_page.get_by_role("link", name="Mock (offline)").click()
    expect(second_page.get_by_label("Default model")).to_be_disabled()
    expect(second_page.get_by_role("button", name="Delete", exact=True)).to_have_count(0)

    _open(second_page, "Agents", "Agents")
    expect(second_page.get_by_role("link", name="researcher")).to_be_visible()
    expect(second_page.get_by_role("link", name="New agent")).to_have_count(0)
    _open(second_page, "Tools", "Tools")
    expect(second_page.get_by_text("members and admins of this workspace create them")).to_be_visible()
    expect(second_page.get_by_role("link", name="New tool")).to_have_count(0)
    console_errors.assert_none()
