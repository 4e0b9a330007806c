"""Real-browser journeys: Debian's chromium driven by Playwright's Python package.

Never `playwright install`: the browser is the Debian package at /usr/bin/chromium.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("PILOTAGE_CHROMIUM", "/usr/bin/chromium")


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


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
