import re

import pytest
from playwright.sync_api import expect

from tests.browser.accounts import log_in

pytestmark = pytest.mark.browser


def test_a_shopper_browses_fills_a_cart_logs_in_checks_out_and_sees_the_order(page, account, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", name="Things for a warm home")).to_be_visible()
    screenshot(page, "01-home")

    page.get_by_role("link", name="Kitchen").first.click()
    page.get_by_role("link", name=re.compile("Enamel camp mug")).click()
    page.get_by_label("Quantity").fill("2")
    screenshot(page, "02-product")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("Added 2 × Enamel camp mug to your cart.")).to_be_visible()

    page.get_by_role("link", name="Textiles").first.click()
    page.locator(".product-card", has_text="Linen tea towel").get_by_role(
        "button", name="Add to cart"
    ).click()
    expect(page.get_by_test_id("cart-count")).to_have_text("3")

    page.get_by_role("link", name=re.compile("^Cart")).click()
    expect(page.locator(".cart-line")).to_have_count(2)
    screenshot(page, "03-cart")

    page.get_by_role("link", name="Check out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/checkout/"))
    screenshot(page, "04-login")
    log_in(page, account)

    expect(page).to_have_url(re.compile("/checkout/$"))
    expect(page.get_by_text("We added 3 items from before you logged in to your cart.")).to_be_visible()
    page.get_by_label("Full name").fill("Browser Shopper")
    page.get_by_label("Street address").fill("5 Chromium Way")
    page.get_by_label("Postal code").fill("90210")
    page.get_by_label("City").fill("Headless")
    page.get_by_label("Country").fill("Debian")
    screenshot(page, "05-checkout")
    page.get_by_role("button", name=re.compile("Place order")).click()

    expect(page.get_by_text(re.compile(r"Thank you! Your order #\d+ is placed."))).to_be_visible()
    expect(page.locator(".order-total")).to_have_text("$41.00")
    screenshot(page, "06-order")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")

    page.get_by_role("link", name="Orders", exact=True).click()
    expect(page.get_by_text("2 × Enamel camp mug, 1 × Linen tea towel")).to_be_visible()
    screenshot(page, "07-order-history")


def test_page_javascript_cannot_read_the_session_cookie(page, account):
    page.goto("/accounts/login/")
    log_in(page, account)
    expect(page.locator(".username")).to_have_text(account)

    readable = page.evaluate("document.cookie")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}

    assert "__Host-shop_session" in cookies
    assert cookies["__Host-shop_session"]["httpOnly"] is True
    assert "__Host-shop_session" not in readable


def test_search_finds_products_by_name(page, screenshot):
    page.goto("/")
    page.get_by_role("searchbox", name="Search products").fill("candle")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Results for “candle”")).to_be_visible()
    expect(page.locator(".product-card")).to_have_count(2)
    screenshot(page, "08-search")


def test_a_sold_out_product_shows_as_such_and_offers_no_add_button(page):
    page.goto("/products/copper-kettle/")

    expect(page.get_by_text("Sold out")).to_be_visible()
    expect(page.get_by_role("button", name="Add to cart")).to_have_count(0)


def test_the_shop_fits_a_phone_screen(page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    assert overflow <= 0
    screenshot(page, "09-home-phone")


def test_a_shopper_sees_where_they_are_logged_in_and_ends_another_session(
    browser, stack, page, account, screenshot
):
    other = browser.new_context(base_url=stack.url, ignore_https_errors=True).new_page()
    other.goto("/accounts/login/")
    log_in(other, account)
    page.goto("/accounts/login/")
    log_in(page, account)

    page.goto("/accounts/sessions/")
    expect(page.get_by_test_id("session")).to_have_count(2)
    screenshot(page, "10-sessions")
    page.get_by_role("button", name="End session").click()

    expect(page.get_by_text("That session has ended.")).to_be_visible()
    other.goto("/accounts/profile/")
    expect(other.get_by_text("your session was ended from another device")).to_be_visible()
    other.context.close()


def test_after_logout_back_shows_none_of_the_shoppers_data(browser_with_back_forward_cache, stack, account):
    context = browser_with_back_forward_cache.new_context(base_url=stack.url, ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    log_in(page, account)
    page.goto("/accounts/address/")
    page.get_by_label("Full name").fill("Pat Private")
    page.get_by_label("Street address").fill("7 Hidden Lane")
    page.get_by_label("City").fill("Secretville")
    page.get_by_label("Postal code").fill("99999")
    page.get_by_label("Country").fill("Nowhere")
    page.get_by_role("button", name="Save").click()
    page.goto("/accounts/sessions/")
    page.goto("/accounts/address/")
    expect(page.get_by_label("Street address")).to_have_value("7 Hidden Lane")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    for _page in range(2):  # back to the address, then to the sessions list
        page.evaluate("history.back()")  # not go_back(): a page from the back/forward cache fires no load
        page.wait_for_timeout(1500)
        shown = page.content()
        assert "7 Hidden Lane" not in shown
        assert "Secretville" not in shown
        assert "Where you're logged in" not in shown
    context.close()
