"""
The shop on a touch screen, tapped as a finger taps: a browser context with
touch (has_touch, is_mobile) and taps, not clicks. A tap lands on whatever
is on top at that point; so each button is first asked what is at its centre
(document.elementFromPoint), then tapped there, and what the tap should do
is read back from the server.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Phones (360, 390, 414), a tablet upright (768) and the widths around the
# cart's change of layout: at 800 and below the summary goes under the list;
# at 820 the list beside the summary is narrow; 1024, a tablet on its side.
TOUCH_WIDTHS = [360, 390, 414, 768, 800, 820, 1024]

# What is at an element's centre, if not the element or something in it.
COVERED_BY = """element => {
    const box = element.getBoundingClientRect();
    const there = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return there === element || element.contains(there) ? null : (there ? there.outerHTML.slice(0, 120) : "nothing");
}"""


@pytest.fixture
def open_touch_screen(browser, stack):
    """open_touch_screen(width): a page in a browser of its own with a touch screen, as a phone or tablet has."""
    contexts = []

    def open_(width):
        context = browser.new_context(
            base_url=stack.url,
            ignore_https_errors=True,
            viewport={"width": width, "height": 844},
            has_touch=True,
            is_mobile=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(params=TOUCH_WIDTHS, ids=lambda width: f"{width}px")
def touch_screen(request, open_touch_screen):
    return open_touch_screen(request.param)


def assert_takes_the_tap(target):
    """The target, scrolled into view, is what a tap at its centre reaches."""
    target.scroll_into_view_if_needed()
    covered_by = target.evaluate(COVERED_BY)
    if covered_by is not None:
        tapped = target.evaluate("element => element.outerHTML.slice(0, 120)")
        pytest.fail(f"a tap at the centre of {tapped} reaches {covered_by} instead")


def tap_add_to_cart(page, slug):
    page.goto(f"/products/{slug}/")
    page.get_by_role("button", name="Add to cart").tap()
    expect(page.get_by_text("to your cart.")).to_be_visible()


def test_each_cart_button_takes_a_tap_and_does_what_it_says_on_a_touch_screen(touch_screen):
    page = touch_screen
    tap_add_to_cart(page, "enamel-camp-mug")
    tap_add_to_cart(page, "linen-tea-towel")
    page.goto("/cart/")
    mug = page.locator(".cart-line", has_text="Enamel camp mug")
    towel = page.locator(".cart-line", has_text="Linen tea towel")
    expect(page.locator(".cart-line")).to_have_count(2)

    # Nothing in the cart lies over another thing that takes a tap.
    for target in (
        page.locator("main").get_by_role("button").all() + page.locator("main").get_by_role("link").all()
    ):
        assert_takes_the_tap(target)

    # Update: the quantity typed is the one the server keeps.
    mug.get_by_label("Quantity of Enamel camp mug").fill("3")
    update = mug.get_by_role("button", name="Update")
    assert_takes_the_tap(update)
    update.tap()
    expect(page.get_by_test_id("cart-count")).to_have_text("4")
    page.goto("/cart/")
    expect(mug.get_by_label("Quantity of Enamel camp mug")).to_have_value("3")
    expect(mug.locator(".line-total")).to_have_text("$43.50")

    # Remove: the line goes.
    remove = towel.get_by_role("button", name="Remove Linen tea towel")
    assert_takes_the_tap(remove)
    remove.tap()
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(towel).to_have_count(0)
    expect(page.get_by_test_id("cart-count")).to_have_text("3")

    # Empty the cart: all of it goes.
    empty = page.get_by_role("button", name="Empty the cart")
    assert_takes_the_tap(empty)
    empty.tap()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
