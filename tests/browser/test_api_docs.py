"""The API's docs page, served by the shop and working under its strict CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_page_lists_every_operation_without_breaking_the_csp(page, stack, screenshot):
    refused, elsewhere = [], []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and refused.append(message.text)
    )
    page.on("request", lambda request: request.url.startswith(stack.url) or elsewhere.append(request.url))

    page.goto("/api/v1/docs")

    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    screenshot(page, "api-docs")
    assert {"/api/v1/auth/token", "/api/v1/checkout", "/api/v1/orders/{order_id}"} <= set(paths)
    assert refused == []
    assert elsewhere == []
