"""
The session lab in Chromium against the running stack: the shop in one
tab, the lab in another, the lab following what the shop does.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accounts import log_in, register_elsewhere

pytestmark = pytest.mark.browser


@pytest.fixture
def two_tabs(browser, stack):
    """The shop and the lab, two tabs of one browser (one cookie jar)."""
    context = browser.new_context(base_url=stack.url, ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    lab = context.new_page()
    lab.set_default_timeout(15_000)
    lab.goto("/lab/")
    shop = context.new_page()
    shop.set_default_timeout(15_000)
    yield shop, lab
    context.close()


def workers_seen(lab) -> set[str]:
    return set(lab.locator("[data-testid=lab-requests] tbody tr td:nth-child(4)").all_inner_texts())


@pytest.fixture
def shoppers_account(stack):
    """Made off the browser, whose address the tests of registering need (register_elsewhere)."""
    return register_elsewhere(stack)


def test_the_lab_follows_a_shopper_across_workers_through_login_and_an_add(two_tabs, shoppers_account, screenshot):
    shop, lab = two_tabs

    # Requests land on whichever worker takes them first: browse until two have served.
    for _request in range(40):
        shop.goto("/")
        if len(workers_seen(lab)) >= 2:
            break
        lab.wait_for_timeout(300)
    expect(lab.locator("#workers-summary")).to_have_text(re.compile(r"served by [2-9] worker"))
    assert lab.get_by_test_id("lab-timeline").locator("circle").count() >= 2

    # A cart first: an anonymous session, written now, whose key the login renews.
    shop.locator(".product-card").first.get_by_role("button", name="Add to cart").click()
    expect(lab.get_by_test_id("lab-events")).to_contain_text("created")
    expect(lab.get_by_test_id("lab-state")).to_have_text("anonymous")
    anonymous_key = lab.get_by_test_id("lab-fingerprint").inner_text()

    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    expect(shop.locator(".username")).to_have_text(shoppers_account)
    expect(lab.get_by_test_id("lab-events")).to_contain_text("new key at login (the old one deleted)")
    expect(lab.get_by_test_id("lab-fingerprint")).not_to_have_text(anonymous_key)
    expect(lab.get_by_test_id("lab-state")).to_have_text("logged-in")
    expect(lab.get_by_test_id("lab-cookie-set")).to_contain_text("httponly")
    expect(lab.locator("#d4-title + svg .d-state.d-lit")).to_have_attribute("data-state", "logged-in")

    shop.goto("/")
    shop.locator(".product-card").first.get_by_role("button", name="Add to cart").click()
    expect(shop.get_by_test_id("cart-count")).to_have_text("2")
    expect(lab.get_by_test_id("lab-requests")).to_contain_text("EVALSHA add.lua")
    # The page after the add: its session and its cart's count in one round trip.
    expect(lab.get_by_test_id("lab-requests").locator("tbody tr").first).to_contain_text("1: EVALSHA count_with_session.lua")
    expect(lab.get_by_test_id("lab-stored")).to_contain_text('"_u"')
    lab.wait_for_timeout(1200)  # a poll more, for the screenshot
    screenshot(lab, "11-lab")
    screenshot(shop, "12-shop-beside-the-lab")


def test_the_lab_shows_nothing_of_another_browsers_session(browser, stack, two_tabs, shoppers_account):
    shop, lab = two_tabs
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    expect(lab.get_by_test_id("lab-state")).to_have_text("logged-in")
    theirs = lab.get_by_test_id("lab-fingerprint").inner_text()

    stranger = browser.new_context(base_url=stack.url, ignore_https_errors=True).new_page()
    stranger.goto("/lab/")

    expect(stranger.get_by_test_id("lab-state")).to_have_text("none")
    expect(stranger.get_by_test_id("lab-stored")).to_have_text("no session")
    assert theirs not in stranger.content()
    assert shoppers_account not in stranger.locator("#lab").inner_text()
    stranger.context.close()
