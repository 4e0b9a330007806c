"""Real-browser journeys: Debian's chromium driven by Playwright's Python package.

Never `playwright install`: the browser is Debian's headless Chromium (package chromium-headless-shell, the same
engine as the package chromium without its windows: a third of the CPU to start, a fifth less per page), or its
full Chromium when only that one is installed.
"""

import os
import shutil

import pytest
from playwright.sync_api import Error as PlaywrightError

HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("PILOTAGE_CHROMIUM") or (
    HEADLESS_SHELL if shutil.which(HEADLESS_SHELL) else "/usr/bin/chromium"
)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium introuvable à {CHROMIUM} : installez le paquet Debian « chromium ».")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls of the tests are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class _Tab:
    """The browser tab the journeys share, one per worker. A new context and page per test would start a renderer
    process and parse the DSFR's 1.2 MB of style sheets and its script afresh (about 0.5 s of CPU each time); each
    journey still starts as a new visitor: no cookie, no stored data, a blank page."""

    def __init__(self, browser):
        self.browser = browser
        self.page = None

    def open(self):
        if self.page is None or self.page.is_closed():
            self.page = self.browser.new_context(locale="fr-FR").new_page()
        self.page.set_default_timeout(15000)
        return self.page

    def clean(self):
        if self.page.url.startswith("http"):
            self.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        self.page.goto("about:blank")
        self.page.context.clear_cookies()

    def close(self):
        if self.page is not None:
            self.page.context.close()
        self.page = None


@pytest.fixture(scope="session")
def _tab(browser, live_server):
    """Closed before the live server stops: the tab's open connections end while their threads can still close
    their database connection."""
    tab = _Tab(browser)
    yield tab
    tab.close()


@pytest.fixture
def page(_tab, request):
    page = _tab.open()
    yield page
    failed = getattr(request.node, "rep_call", None) is None or request.node.rep_call.failed
    try:
        if failed:  # a journey that stopped half-way may leave anything behind: the next one starts a new tab
            _tab.close()
        else:
            _tab.clean()
    except PlaywrightError:
        _tab.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
