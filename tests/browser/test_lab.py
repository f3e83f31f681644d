"""
The session lab in Chromium against the running stack: the shop in one
tab, the lab in another, the lab following what the shop does.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accounts import log_in, register_elsewhere

pytestmark = pytest.mark.browser


def open_two_tabs(browser, stack, *, width=1280, height=900):
    """The shop and the lab, two tabs of one browser (one cookie jar), the lab opened first."""
    context = browser.new_context(
        base_url=stack.url, ignore_https_errors=True, viewport={"width": width, "height": height}
    )
    lab = context.new_page()
    lab.set_default_timeout(15_000)
    lab.goto("/lab/")
    shop = context.new_page()
    shop.set_default_timeout(15_000)
    return shop, lab


@pytest.fixture
def two_tabs(browser, stack):
    shop, lab = open_two_tabs(browser, stack)
    yield shop, lab
    shop.context.close()


@pytest.fixture
def two_tabs_on_a_phone(browser, stack):
    shop, lab = open_two_tabs(browser, stack, width=390, height=844)
    yield shop, lab
    shop.context.close()


def workers_seen(lab) -> set[str]:
    return set(lab.locator("[data-testid=lab-requests] tbody tr td:nth-child(4)").all_inner_texts())


def browse_until_two_workers_served(shop, lab):
    """Requests land on whichever worker takes them first: browse until two have served."""
    for _request in range(40):
        shop.goto("/")
        if len(workers_seen(lab)) >= 2:
            return
        lab.wait_for_timeout(300)
    pytest.fail("40 requests, one worker")


def add_the_first_product(shop):
    shop.goto("/")
    shop.locator(".product-card").first.get_by_role("button", name="Add to cart").click()


@pytest.fixture
def shoppers_account(stack):
    """Made off the browser, whose address the tests of registering need (register_elsewhere)."""
    return register_elsewhere(stack)


def test_the_lab_follows_a_shopper_across_workers_through_login_and_an_add(
    two_tabs, shoppers_account, screenshot
):
    shop, lab = two_tabs

    browse_until_two_workers_served(shop, lab)
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
    expect(lab.get_by_test_id("lab-requests").locator("tbody tr").first).to_contain_text(
        "1: EVALSHA count_with_session.lua"
    )
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


def test_a_timed_out_session_is_told_as_ended_by_the_idle_timeout_with_its_requests_kept(
    browser, short_timeout_stack, screenshot
):
    account = register_elsewhere(short_timeout_stack)
    shop, lab = open_two_tabs(browser, short_timeout_stack)
    shop.goto("/accounts/login/")
    log_in(shop, account)
    expect(lab.get_by_test_id("lab-state")).to_have_text("logged-in")

    # Nothing more in the shop: the idle timeout, 4 s, runs out.
    expect(lab.get_by_test_id("lab-state")).to_have_text("ended", timeout=20_000)

    expect(lab.get_by_test_id("lab-end")).to_contain_text("(the idle timeout)")
    expect(lab.get_by_test_id("lab-d4-why")).to_have_text("by: the idle timeout")
    expect(lab.get_by_test_id("lab-requests")).to_contain_text("POST /accounts/login/")
    expect(lab.get_by_test_id("lab-events")).to_contain_text("logged in")
    screenshot(lab, "14-lab-after-the-idle-timeout")
    shop.context.close()


def test_a_logout_keeps_the_requests_before_and_says_logged_out(two_tabs, shoppers_account):
    shop, lab = two_tabs
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    expect(shop.locator(".username")).to_have_text(shoppers_account)

    shop.get_by_role("button", name="Log out").click()

    expect(lab.get_by_test_id("lab-state")).to_have_text("ended")
    expect(lab.get_by_test_id("lab-end")).to_contain_text("You logged out")
    expect(lab.get_by_test_id("lab-requests")).to_contain_text("POST /accounts/login/")
    expect(lab.get_by_test_id("lab-requests")).to_contain_text("GET /accounts/profile/")


def test_a_lab_opened_while_logged_in_shows_the_session_at_once(browser, stack, shoppers_account):
    context = browser.new_context(base_url=stack.url, ignore_https_errors=True)
    shop = context.new_page()
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    expect(shop.locator(".username")).to_have_text(shoppers_account)

    lab = context.new_page()
    lab.goto("/lab/")

    expect(lab.get_by_test_id("lab-state")).to_have_text("logged-in")
    expect(lab.get_by_test_id("lab-events")).to_contain_text("logged in, before the lab opened")
    expect(lab.get_by_test_id("lab-events")).to_contain_text("you opened the lab")
    context.close()


def test_the_labs_header_shows_the_visitor_logged_in_with_the_carts_count(two_tabs, shoppers_account):
    shop, lab = two_tabs  # the lab opened first: its page was drawn for a visitor logged out
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)

    add_the_first_product(shop)
    expect(shop.get_by_test_id("cart-count")).to_have_text("1")

    expect(lab.locator(".site-header .who")).to_have_text(shoppers_account)
    expect(lab.locator(".site-header").get_by_role("button", name="Log out")).to_be_visible()
    expect(lab.get_by_test_id("cart-count")).to_have_text("1")


def test_a_logout_from_the_labs_header_drawn_after_a_login_elsewhere_logs_out(two_tabs, shoppers_account):
    shop, lab = two_tabs
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    expect(lab.locator(".site-header .who")).to_have_text(shoppers_account)

    lab.locator(".site-header").get_by_role("button", name="Log out").click()

    expect(lab.get_by_role("link", name="Log in")).to_be_visible()
    shop.goto("/")
    expect(shop.get_by_role("link", name="Log in")).to_be_visible()


def test_the_timeline_draws_each_worker_in_its_colour_in_the_table(two_tabs):
    shop, lab = two_tabs

    browse_until_two_workers_served(shop, lab)

    in_the_table = lab.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("#requests .lab-worker")].map(
            (cell) => [cell.textContent, getComputedStyle(cell).backgroundColor]))"""
    )
    on_the_timeline = lab.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("#timeline circle")].map(
            (dot) => [dot.dataset.worker, getComputedStyle(dot).fill]))"""
    )
    assert len(in_the_table) >= 2
    assert on_the_timeline == in_the_table


def test_the_diagrams_labels_lie_inside_their_drawings_and_over_none_of_its_shapes(
    two_tabs, shoppers_account
):
    shop, lab = two_tabs
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    shop.get_by_role("button", name="Log out").click()
    expect(lab.get_by_test_id("lab-d4-why")).to_have_text("by: you logged out")
    expect(lab.get_by_test_id("lab-d2-trips")).to_contain_text("round trip")

    overlaps = lab.evaluate(
        """() => ["d1-key", "d2-trips", "d4-why"].flatMap((id) => {
            const label = document.getElementById(id);
            const svg = label.ownerSVGElement;
            const box = label.getBBox();
            const view = svg.viewBox.baseVal;
            const outside = box.x < 0 || box.y < 0 || box.x + box.width > view.width || box.y + box.height > view.height;
            const over = [...svg.querySelectorAll("rect, ellipse, path")].filter((shape) => {
                const s = shape.getBBox();
                return box.x < s.x + s.width && s.x < box.x + box.width && box.y < s.y + s.height && s.y < box.y + box.height;
            });
            return [...(outside ? [`${id} outside`] : []), ...over.map((shape) => `${id} over a ${shape.tagName}`)];
        })"""
    )
    assert overlaps == []


def test_at_phone_width_the_lab_is_no_wider_than_the_screen(
    two_tabs_on_a_phone, shoppers_account, screenshot
):
    shop, lab = two_tabs_on_a_phone
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    add_the_first_product(shop)
    expect(lab.get_by_test_id("lab-requests")).to_contain_text("EVALSHA add.lua")

    width = lab.evaluate("document.documentElement.scrollWidth")

    screenshot(lab, "13-lab-phone")
    assert width <= 390


def test_at_phone_width_what_scrolls_sideways_in_the_lab_takes_the_focus_and_has_a_name(
    two_tabs_on_a_phone, shoppers_account
):
    shop, lab = two_tabs_on_a_phone
    shop.goto("/accounts/login/")
    log_in(shop, shoppers_account)
    expect(lab.get_by_test_id("lab-requests")).to_contain_text("POST /accounts/login/")

    scrolling = lab.evaluate(
        """() => [...document.querySelectorAll("#lab *")]
            .filter((element) => element.scrollWidth > element.clientWidth
                && ["auto", "scroll"].includes(getComputedStyle(element).overflowX))
            .map((element) => ({
                focusable: element.tabIndex === 0,
                named: Boolean(element.getAttribute("aria-label") || element.getAttribute("aria-labelledby")),
            }))"""
    )

    assert scrolling == [{"focusable": True, "named": True}]  # the table of requests
