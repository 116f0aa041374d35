"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Playwright's own browser download does not work on our machines, so the tests launch
the system Chromium (`./dev test` installs it when missing). Playwright's sync API runs
an event loop in the test thread, which makes Django refuse ORM calls from that thread
unless told it is safe: it is, the loop only talks to the browser.
"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium")
# The README's pictures are refreshed only when asked (WANGGE_SCREENSHOTS=1), so an
# ordinary test run leaves the checkout as it found it.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("WANGGE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "wangge-screenshots"
)
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
WALL = {"width": 1920, "height": 1080}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _no_map_tiles(settings):
    """Tests never reach the internet; the maps must still draw their vectors."""
    settings.WANGGE_TILE_URL = ""


class Browsing:
    """Opens pages as a given user (or anonymously) on the live server."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []

    def page(self, user=None, viewport: dict | None = None, **context_options) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, viewport=viewport or DESKTOP, locale="zh-CN", **context_options
        )
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser, live_server) -> Iterator[Browsing]:
    session = Browsing(browser, live_server.url)
    yield session
    session.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot as <name>.png in SCREENSHOTS (docs/screenshots: the README's)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
