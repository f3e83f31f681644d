"""The browser tests' accounts: made through the registration page, logged in through the login page."""

import itertools

from playwright.sync_api import expect

from tests.stack.shopper import Shopper

PASSWORD = "sturdy-kettle-93"
_usernames = (f"browser-shopper-{n}" for n in itertools.count(1))


def register(browser, stack) -> str:
    """An account made through the registration page, then logged out; its username."""
    context = browser.new_context(base_url=stack.url, ignore_https_errors=True)
    page = context.new_page()
    username = next(_usernames)
    page.goto("/accounts/register/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".username")).to_have_text(username)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    context.close()
    return username


def register_elsewhere(stack) -> str:
    """
    An account made through the registration page from another machine (a
    loopback address of its own): registrations are limited per address,
    and the browser's, 127.0.0.1, is kept for the tests of registering.
    """
    username = next(_usernames)
    Shopper(stack).register(username, PASSWORD)
    return username


def log_in(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
