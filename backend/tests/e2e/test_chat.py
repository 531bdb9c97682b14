"""Chat in the browser: start a chat, a markdown reply streams in, an agent's steps fold away, a failure shows
in the conversation and is retried, and a slow reply is stopped."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.agents.factories import agent_body, tool_body
from tests.e2e.conftest import ConsoleErrors, SignedIn, screenshot

STORY = "# A story\n\nOnce upon a time:\n\n- **bees** flew\n- honey was made\n"
SCRIPT = [{"match": "weather", "error": "overloaded", "status_code": 503}, {"match": "story", "reply": STORY}]


def _mock_provider(signed_in: SignedIn, name: str, options: dict[str, Any]) -> dict[str, Any]:
    response = signed_in.api.post(
        "/llm-providers", json={"name": name, "type": "mock", "default_model": "mock-1", "options": options}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _start_chat(page: Page, kind: str, target: str) -> None:
    before = page.url
    page.get_by_role("button", name="New chat").click()
    form = page.get_by_role("form", name="New chat")
    form.get_by_label("Chat with").select_option(label=kind)
    form.get_by_label("Provider" if kind == "A model" else "Which", exact=True).select_option(label=target)
    form.get_by_role("button", name="Start chat").click()
    expect(page).not_to_have_url(before)
    expect(page).to_have_url(re.compile(r"/chat/[0-9a-f-]{36}$"))


def _say(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Message").fill(text)
    # Enter sends once the socket is open, which the Send button shows.
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    page.get_by_role("textbox", name="Message").press("Enter")


def test_a_reply_streams_as_markdown_and_a_failure_is_retried(
    admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    page = admin.page
    provider = _mock_provider(admin, "Storyteller", {"responses": SCRIPT, "latency_ms": 300})
    page.goto(f"{base_url}/chat")
    expect(page.get_by_text("Pick a chat or start one")).to_be_visible()

    _start_chat(page, "A model", "Storyteller")
    _say(page, "Tell me a story")
    messages = page.get_by_role("list", name="Messages")
    expect(messages.get_by_text("Tell me a story")).to_be_visible()
    expect(messages.get_by_role("heading", name="A story")).to_be_visible()
    expect(messages.locator("strong", has_text="bees")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()

    _say(page, "What is the weather?")
    failure = messages.get_by_role("alert")
    expect(failure).to_contain_text("overloaded")
    repaired = admin.api.put(
        f"/llm-providers/{provider['id']}",
        json={
            "name": "Storyteller",
            "type": "mock",
            "default_model": "mock-1",
            "options": {"responses": [{"reply": "Sunny all week."}]},
            "version": provider["version"],
        },
    )
    assert repaired.status_code == 200, repaired.text
    failure.get_by_role("button", name="Retry").click()
    expect(messages.get_by_text("Sunny all week.")).to_be_visible()
    screenshot(page, "chat-conversation")

    page.reload()
    expect(messages.get_by_text("Sunny all week.")).to_be_visible()
    expect(page.get_by_role("complementary", name="Chats").get_by_role("link")).to_have_count(1)
    console_errors.assert_none()


def test_an_agent_shows_its_steps_and_a_slow_reply_is_stopped(
    admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    page = admin.page
    # The agent keeps asking for a tool that cannot reach its host (loopback is refused to tools), so its
    # turn fails with the steps it took.
    asks = 'Thought: I need the weather\nAction: Weather\nAction Input: {"city": "Paris"}'
    stubborn = _mock_provider(admin, "Stubborn", {"responses": [{"reply": asks}]})
    _mock_provider(admin, "Slow", {"latency_ms": 20_000})
    config = {**tool_body()["config"], "url_template": "http://127.0.0.1:9/weather?city={city}"}
    tool = admin.api.post("/tools", json=tool_body(config=config))
    assert tool.status_code == 201, tool.text
    agent = admin.api.post("/agents", json=agent_body(stubborn["id"], name="Forecaster", tool_ids=[tool.json()["id"]]))
    assert agent.status_code == 201, agent.text
    page.goto(f"{base_url}/chat")

    _start_chat(page, "An agent", "Forecaster")
    _say(page, "Weather in Paris?")
    messages = page.get_by_role("list", name="Messages")
    # An agent's turn is a run of its own; the first one also loads CrewAI.
    expect(messages.get_by_role("alert")).to_contain_text("not making progress", timeout=60_000)
    steps = messages.get_by_text(re.compile(r"^\d+ agent steps?$"))
    steps.click()
    expect(messages.locator("details[open] li").first).to_contain_text("thought")
    expect(messages.locator("details[open]")).to_contain_text("tool_call")

    _start_chat(page, "A model", "Slow")
    _say(page, "Take your time")
    stop = page.get_by_role("button", name="Stop")
    expect(stop).to_be_visible()
    stop.click()
    expect(messages.get_by_text("Stopped")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    console_errors.assert_none()
