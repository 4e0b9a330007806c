"""The documentation pages in a real browser: under the site's CSP, Swagger UI and Redoc render the schema."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("path", "selector"), [("/api/docs/", ".swagger-ui .info"), ("/api/redoc/", "h1")])
def test_documentation_renders_under_the_csp_without_outside_requests(page, live_server, path, selector):
    problems, outside = [], []
    listeners = {
        "console": lambda message: message.type == "error" and problems.append(message.text),
        "pageerror": lambda error: problems.append(str(error)),
        # A request the CSP blocks never finishes: only finished ones could have reached an outside server.
        "requestfinished": lambda request: request.url.startswith(live_server.url) or outside.append(request.url),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        page.goto(live_server.url + path)
        page.wait_for_selector(selector)
        page.get_by_text("Missions Locales visibles").first.wait_for(state="attached")
        text = page.inner_text("body")
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    assert "API Pilotage Missions Locales" in text
    # Redoc always draws the Redocly logo from its CDN: the CSP blocks it before any request leaves the browser.
    problems = [text for text in problems if not ("cdn.redoc.ly" in text and "Content Security" in text)]
    assert problems == []
    assert [url for url in outside if not url.startswith(("data:", "blob:"))] == []
