"""
axe-core, the accessibility checker, on the shop's pages in Chromium, at a
desktop's width and a phone's: no violation it calls serious or critical.

axe-core comes from the axe-playwright-python package (requirements-dev.txt),
which ships its JavaScript. It is put into the page by page.evaluate, which
Chromium runs through DevTools, outside the page's Content Security Policy
(`script-src 'self'`): so the pages are checked under their own CSP, with no
bypass_csp (tried: axe runs, and Chromium reports no CSP violation).

One logged-in browser per width serves the pages that need a shopper (with
something in the cart, so that the cart and checkout show their forms), and
one anonymous browser the login and registration pages, which a logged-in
shopper is sent away from.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.accounts import log_in, register_elsewhere

pytestmark = pytest.mark.browser

DESKTOP = 1280
PHONE = 390
WIDTHS = {"on_a_desktop": DESKTOP, "on_a_phone": PHONE}

# name: (path, whether it is seen logged in)
PAGES = {
    "the_home_page": ("/", True),
    "a_product_page": ("/products/enamel-camp-mug/", True),
    "a_sold_out_products_page": ("/products/copper-kettle/", True),
    "the_cart": ("/cart/", True),
    "the_checkout": ("/checkout/", True),
    "the_login_page": ("/accounts/login/", False),
    "the_registration_page": ("/accounts/register/", False),
    "the_sessions_page": ("/accounts/sessions/", True),
    "the_session_lab": ("/lab/", True),
}

SCREENSHOTS_OF = {"the_home_page", "the_cart", "the_checkout"}

axe = Axe()


@pytest.fixture(scope="module")
def shopper(stack):
    return register_elsewhere(stack)


@pytest.fixture(scope="module")
def browsers(browser, stack, shopper):
    """browsers(width, logged_in): a page in a browser of that width, opened once for the module and reused."""
    opened = {}

    def page_for(width, logged_in):
        if (width, logged_in) not in opened:
            context = browser.new_context(
                base_url=stack.url, ignore_https_errors=True, viewport={"width": width, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            if logged_in:
                page.goto("/accounts/login/")
                log_in(page, shopper)
                expect(page.locator(".username")).to_have_text(shopper)
                page.goto("/products/enamel-camp-mug/")
                page.get_by_role("button", name="Add to cart").click()
                expect(page.get_by_test_id("cart-count")).not_to_have_text("0")
            opened[width, logged_in] = page
        return opened[width, logged_in]

    yield page_for
    for page in opened.values():
        page.context.close()


def serious_violations(page) -> list[dict]:
    results = axe.run(page)
    return [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def described(violations) -> str:
    """Each violation, and where: the element and what axe says of it (a contrast's colours and ratio, say)."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            lines.append(
                f"  at {' '.join(node['target'])}: {checks[0]['message'] if checks else node['html'][:100]}"
            )
    return "\n".join(lines)


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("page_name", PAGES)
def test_axe_finds_no_serious_or_critical_violation_on(page_name, width_name, browsers, screenshot):
    path, logged_in = PAGES[page_name]
    width = WIDTHS[width_name]
    page = browsers(width, logged_in)
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    expect(page.locator("h1").first).to_be_visible()

    violations = serious_violations(page)

    if page_name in SCREENSHOTS_OF:
        screenshot(page, f"axe-{page_name.replace('_', '-')}-{width}")
    if violations:
        pytest.fail(described(violations))
