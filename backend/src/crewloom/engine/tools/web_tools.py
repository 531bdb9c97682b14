"""The built-in website tools, Crewloom's own versions of crewai-tools' ScrapeWebsiteTool and
ScrapeElementFromWebsiteTool under the same names, settings and arguments, fetching through the outbound guard.
Imports CrewAI: loaded only in a worker thread."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from crewai.tools import BaseTool
from pydantic import BaseModel, Field, PrivateAttr

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.access import ToolAccess
from crewloom.engine.tools.outbound import OutboundGuard, fetch
from crewloom.engine.tools.threads import LoopLink

TIMEOUT_SECONDS = 30.0
MAX_PAGE_BYTES = 5 * 1024 * 1024
_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; Crewloom)",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}

# The HTML of a page, by its URL.
ReadPage = Callable[[str], str]


def page_reader(access: ToolAccess, link: LoopLink) -> ReadPage:
    """Reads a page from a worker thread, on the event loop of ``link``, through the guard of ``access``."""
    guard = OutboundGuard(access.allowed_hosts)

    def read(url: str) -> str:
        parts = urlsplit(url)
        where = f"GET {parts.scheme}://{parts.netloc}{parts.path}"
        page = link.run(
            fetch(
                "GET",
                url,
                guard=guard,
                headers=_HEADERS,
                time_limit=TIMEOUT_SECONDS,
                max_bytes=MAX_PAGE_BYTES,
                where=where,
            )
        )
        if not 200 <= page.status < 300:
            raise NodeError(f"{where} answered HTTP {page.status}")
        return page.text()

    return read


class _PageArguments(BaseModel):
    website_url: str = Field(..., description="Mandatory website url to read the file")


class _ElementArguments(_PageArguments):
    css_element: str = Field(..., description="Mandatory css reference for element to scrape from the website")


class _BoundElementArguments(BaseModel):
    css_element: str | None = Field(None, description="The css reference of the element to scrape")


class _NoArguments(BaseModel):
    pass


class _OnWebsite(BaseTool):
    # A bound website: the agent cannot choose another.
    website_url: str | None = None
    _read: ReadPage = PrivateAttr()

    def _page(self, arguments: dict[str, Any]) -> BeautifulSoup:
        url = self.website_url or arguments.get("website_url")
        if not url:
            raise ValueError("Website URL must be provided.")
        return BeautifulSoup(self._read(str(url)), "html.parser")


class ScrapeWebsite(_OnWebsite):
    name: str = "Read website content"
    description: str = "A tool that can be used to read a website content."
    args_schema: type[BaseModel] = _PageArguments

    def _run(self, **arguments: Any) -> str:
        text = "The following text is scraped website content:\n\n" + self._page(arguments).get_text(" ")
        return re.sub(r"\s+\n\s+", "\n", re.sub(r"[ \t]+", " ", text))


class ScrapeElementFromWebsite(_OnWebsite):
    name: str = "Read a website content"
    description: str = "A tool that can be used to read the elements of a website that a CSS selector matches."
    args_schema: type[BaseModel] = _ElementArguments
    css_element: str | None = None

    def _run(self, **arguments: Any) -> str:
        selector = arguments.get("css_element") or self.css_element
        if not selector:
            raise ValueError("css_element must be provided.")
        return "\n".join(element.get_text() for element in self._page(arguments).select(str(selector)))


def web_tool(name: str, read: ReadPage, settings: dict[str, Any]) -> BaseTool:
    """The website tool ``name`` of the catalogue, with its settings, reading pages with ``read``."""
    bound = settings.get("website_url") is not None
    tool: _OnWebsite
    if name == "scrape_website":
        tool = ScrapeWebsite(**settings, **({"args_schema": _NoArguments} if bound else {}))
    elif name == "scrape_element_from_website":
        tool = ScrapeElementFromWebsite(**settings, **({"args_schema": _BoundElementArguments} if bound else {}))
    else:
        raise ValueError(f"{name!r} is not a website tool")
    tool._read = read
    return tool
