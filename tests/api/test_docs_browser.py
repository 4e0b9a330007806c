"""The documentation pages in a real browser: under the site's CSP, Swagger UI and Redoc render the schema.

The browser runs in a child process: Playwright's sync API allows one instance per thread, and the session
browser of tests/browser may be alive in this one.
"""

import json
import subprocess
import sys

import pytest

from pilotage.reference.models import Department, Region
from pilotage.reference.territories import sync_territories
from tests.browser.conftest import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _territories_back_after_the_flush(django_db_setup, django_db_blocker):
    """A live-server test empties the database when it ends; the territories (loaded by a migration) are put
    back for the transactional tests that follow (tests/browser)."""
    yield
    with django_db_blocker.unblock():
        sync_territories(Region, Department)


SCRIPT = r"""
import json, sys
from playwright.sync_api import sync_playwright

chromium, base, pages = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
results = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
    for path, selector in pages:
        context = browser.new_context(locale="fr-FR")  # each page on its own: no cache, no storage shared
        page = context.new_page()
        page.set_default_timeout(15000)
        problems, outside = [], []
        page.on("console", lambda message, problems=problems: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error, problems=problems: problems.append(str(error)))
        # A request the CSP blocks never finishes: only finished ones could have reached an outside server.
        page.on("requestfinished",
                lambda request, outside=outside: request.url.startswith(base) or outside.append(request.url))
        page.goto(base + path)
        page.wait_for_selector(selector)
        page.get_by_text("Missions Locales visibles").first.wait_for(state="attached")
        results[path] = {"text": page.inner_text("body"), "problems": problems, "outside": outside}
        context.close()
    browser.close()
print(json.dumps(results))
"""
PAGES = [("/api/docs/", ".swagger-ui .info"), ("/api/redoc/", "h1")]


def test_documentation_renders_under_the_csp_without_outside_requests(live_server):
    """Swagger UI, then Redoc, in one browser (one start of Chromium), each page in a context of its own."""
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, CHROMIUM, live_server.url, json.dumps(PAGES)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert sorted(results) == sorted(path for path, _ in PAGES)
    for path, result in results.items():
        assert "API Pilotage Missions Locales" in result["text"], path
        # Redoc always draws the Redocly logo from its CDN: the CSP blocks it before any request leaves the browser.
        problems = [text for text in result["problems"] if not ("cdn.redoc.ly" in text and "Content Security" in text)]
        assert problems == [], path
        assert [url for url in result["outside"] if not url.startswith(("data:", "blob:"))] == [], path
