"""
Headless Chromium, driven by Playwright, against the real stack over HTTPS.

Playwright's own browser download does not work everywhere (it needs the
network); Debian's Chromium does, so its path is given to the launch
(CHROMIUM, default /usr/bin/chromium). `make test` installs it beforehand
where it is missing and it may (deploy.stack.chromium_binary).
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from deploy.stack import chromium_path
from tests.browser.accounts import register

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


# For this folder's tests only: Playwright's sync API keeps an event loop
# running in this thread while it is open, and the async tests that come
# later in the run could then start none of their own.
@pytest.fixture(scope="package")
def playwright():
    if not chromium_path().exists():
        # A failure, never a skip: a browser test that cannot run has not passed.
        pytest.fail(
            f"No Chromium at {chromium_path()}: run `make test`, or `.venv/bin/python -m deploy.stack ensure-chromium`, "
            "which installs it where it may; or install it (Debian: `apt-get install chromium`) or set CHROMIUM."
        )
    with sync_playwright() as playwright:
        yield playwright


def launch(playwright, **options):
    return playwright.chromium.launch(
        executable_path=str(chromium_path()),
        # Root in a container has no user namespaces for Chromium's sandbox;
        # and nothing here may call out to the network.
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        **options,
    )


@pytest.fixture(scope="package")
def browser(playwright):
    browser = launch(playwright)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_with_back_forward_cache(playwright):
    """Chromium as people run it: with its back/forward cache, which Playwright turns off by default."""
    browser = launch(playwright, ignore_default_args=["--disable-back-forward-cache"])
    yield browser
    browser.close()


@pytest.fixture
def page(browser, stack):
    # The stack's certificate is self-signed for localhost: accepted here as a
    # person accepts it once in their browser.
    context = browser.new_context(
        base_url=stack.url, ignore_https_errors=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as a test artifact: screenshot(page, "name")."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def account(browser, stack):
    """An account made through the registration page, then logged out."""
    return register(browser, stack)
