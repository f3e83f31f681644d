"""
The shop on a touch screen, tapped as a finger taps: a browser context with
touch (has_touch, is_mobile) and taps, not clicks. A tap lands on whatever
is on top at that point; so each button is first asked what is at its centre
(document.elementFromPoint), then tapped there, and what the tap should do
is read back from the server.
"""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.accounts import log_in, register_elsewhere

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


@pytest.fixture(scope="module")
def shopper(stack):
    return register_elsewhere(stack)


def test_the_checkouts_fields_line_up_at_every_width(open_touch_screen, shopper):
    page = open_touch_screen(360)
    page.goto("/accounts/login/")
    log_in(page, shopper)
    expect(page.locator(".username")).to_have_text(shopper)
    tap_add_to_cart(page, "enamel-camp-mug")

    for width in (360, 390, 414, 768, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto("/checkout/")
        postal_code = page.get_by_label("Postal code").bounding_box()
        city = page.get_by_label("City").bounding_box()
        side_by_side = postal_code["y"] == city["y"] and postal_code["height"] == city["height"]
        one_under_the_other = postal_code["x"] == city["x"] and postal_code["width"] == city["width"]
        assert side_by_side or one_under_the_other, f"at {width} px: postal code {postal_code}, city {city}"


def shade_at_the_edges(page, bar) -> tuple[str, str]:
    """
    What the bar's left and right edges show, "shadow" or "none", read from
    the pixels of its top padding, where no link's text is: how much darker
    than white (0 to 255) the darkest is.
    """
    box = bar.bounding_box()
    shades = []
    for x in (box["x"], box["x"] + box["width"] - 2):
        png = page.screenshot(clip={"x": x, "y": box["y"] + 1, "width": 2, "height": 4})
        darkest, _lightest = Image.open(io.BytesIO(png)).convert("L").getextrema()
        shade = 255 - darkest
        shades.append(
            "shadow" if shade > 10 else "none" if shade < 4 else f"unclear ({shade} darker than white)"
        )
    return shades[0], shades[1]


def test_the_category_bar_shows_on_a_phone_that_it_scrolls(open_touch_screen):
    page = open_touch_screen(390)
    page.goto("/")
    bar = page.get_by_role("navigation", name="Categories").locator(".container")
    assert bar.evaluate("bar => bar.scrollWidth > bar.clientWidth"), (
        "the bar fits: this test needs one that does not"
    )

    at_the_start = shade_at_the_edges(page, bar)
    bar.evaluate("bar => { bar.scrollLeft = 60; }")
    in_the_middle = shade_at_the_edges(page, bar)
    bar.evaluate("bar => { bar.scrollLeft = bar.scrollWidth; }")
    at_the_end = shade_at_the_edges(page, bar)

    # A shadow on each side that has more to scroll to, none on a side that has none.
    assert at_the_start == ("none", "shadow")
    assert in_the_middle == ("shadow", "shadow")
    assert at_the_end == ("shadow", "none")
