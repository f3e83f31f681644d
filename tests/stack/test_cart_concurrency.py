"""
The cart and checkout under concurrent requests of one visitor, spread over
all workers. (The design this project comes from kept 4 to 17 of 200
simultaneous additions; ours must keep every one.)
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stack.shopper import SESSION_COOKIE, workers_that_served

pytestmark = pytest.mark.stack


def in_parallel(count, call, workers=16):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(call, range(count)))


def cart_count(shopper):
    return shopper.get("/cart/summary/").json()["count"]


def order_links(shopper):
    return set(re.findall(r'href="(/orders/\d+/)"', shopper.get("/orders/").text))


def open_checkout(shopper):
    """The hidden fields of the checkout page: the checkout token and the cart's digest."""
    page = shopper.get("/checkout/").text
    return {
        name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
        for name in ("checkout_token", "cart_digest")
    }


ADDRESS = {
    "full_name": "Race Tester",
    "address": "2 Loop Rd",
    "city": "Localhost",
    "postal_code": "127",
    "country": "Lo",
}


def test_200_concurrent_adds_by_one_shopper_are_all_kept(stack, shopper, account, stack_products):
    shopper.login(*account)
    spoons = [stack_products[f"race-spoon-{n}"] for n in range(20)]

    responses = in_parallel(200, lambda n: shopper.post(f"/cart/add/{spoons[n % 20]}/", {"quantity": 1}))

    assert [response.status_code for response in responses] == [302] * 200
    assert len(set(workers_that_served(stack, responses)) - {None}) >= 2
    assert shopper.get("/cart/summary/").json() == {"count": 200, "lines": 20, "subtotal": "500.00"}


def test_200_concurrent_adds_by_an_anonymous_visitor_are_all_kept(shopper, stack_products):
    first_spoon = stack_products["race-spoon-0"]
    shopper.post(f"/cart/add/{first_spoon}/", {"quantity": 1})  # the visitor now has a cart
    spoons = [stack_products[f"race-spoon-{n}"] for n in range(20)]

    responses = in_parallel(
        199, lambda n: shopper.post(f"/cart/add/{spoons[(n + 1) % 20]}/", {"quantity": 1})
    )

    assert [response.status_code for response in responses] == [302] * 199
    assert cart_count(shopper) == 200


def test_racing_adds_of_one_product_stop_exactly_at_the_cap(shopper, stack_products):
    cup = stack_products["cap-cup"]
    shopper.post(f"/cart/add/{cup}/", {"quantity": 1})

    responses = in_parallel(120, lambda n: shopper.post(f"/cart/add/{cup}/", {"quantity": 1}))

    statuses = [response.status_code for response in responses]
    assert statuses.count(302) == 98
    assert statuses.count(400) == 22
    assert cart_count(shopper) == 99


def test_racing_logins_merge_the_anonymous_cart_once(new_shopper, account, stack_products):
    dish = stack_products["double-dish"]
    other_device = new_shopper()
    other_device.login(*account)
    other_device.post(f"/cart/add/{dish}/", {"quantity": 2})
    visitor = new_shopper()
    visitor.post(f"/cart/add/{dish}/", {"quantity": 3})
    tabs = [new_shopper(visitor.address) for _tab in range(4)]
    for tab in tabs:
        tab.use_session_id(visitor.session_id)

    responses = in_parallel(4, lambda n: tabs[n].login(*account), workers=4)

    assert [response.status_code for response in responses] == [302] * 4
    assert cart_count(other_device) == 5


def test_racing_checkouts_for_the_last_unit_give_one_order_and_one_clear_sold_out(
    new_shopper, stack_products
):
    lamp = stack_products["last-lamp"]
    shoppers = []
    for n in range(2):
        shopper = new_shopper()
        shopper.register(f"lamp-racer-{n}", "sturdy-kettle-93")
        shopper._csrf_token = None
        assert shopper.post(f"/cart/add/{lamp}/", {"quantity": 1}).status_code == 302
        shoppers.append((shopper, open_checkout(shopper)))

    responses = in_parallel(
        2, lambda n: shoppers[n][0].post("/checkout/", {**ADDRESS, **shoppers[n][1]}), workers=2
    )

    assert sorted(response.status_code for response in responses) == [302, 409]
    sold_out = next(response for response in responses if response.status_code == 409)
    assert "has just sold out" in sold_out.text


@pytest.mark.parametrize("product", ["double-dish", "last-vase"])
def test_a_checkout_submitted_five_times_at_once_places_one_order(shopper, account, stack_products, product):
    # The last vase is the only one: the submissions that wait for the first
    # must find its order, not a "sold out".
    shopper.login(*account)
    shopper.post(f"/cart/add/{stack_products[product]}/", {"quantity": 1})
    hidden = open_checkout(shopper)

    responses = in_parallel(5, lambda n: shopper.post("/checkout/", {**ADDRESS, **hidden}), workers=5)

    assert [response.status_code for response in responses] == [302] * 5
    assert len({response.headers["Location"] for response in responses}) == 1
    assert order_links(shopper) == {responses[0].headers["Location"]}
    assert cart_count(shopper) == 0


def test_viewing_the_cart_sets_no_new_session_cookie(shopper, stack_products):
    shopper.post(f"/cart/add/{stack_products['race-spoon-1']}/", {"quantity": 1})

    responses = in_parallel(20, lambda n: shopper.get("/cart/"))

    assert all(SESSION_COOKIE not in response.headers.get("Set-Cookie", "") for response in responses)
