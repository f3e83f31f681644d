from django.test import Client

from cart.identity import anonymous_cart, user_cart
from cart.services import merge_carts
from tests.cart.conftest import add, summary

LOGIN = {"username": "erin", "password": "erin-password-1"}


def test_at_login_the_anonymous_cart_joins_the_users_cart(client, user, mug, board):
    add(client, mug, 2)
    other_device = Client(headers={"X-Real-IP": "203.0.113.31"})
    other_device.post("/accounts/login/", LOGIN)
    add(other_device, mug, 1)
    add(other_device, board, 1)

    client.post("/accounts/login/", LOGIN)

    assert summary(client) == {"count": 4, "lines": 2, "subtotal": "91.50"}


def test_the_page_after_login_says_what_was_merged(client, user, mug):
    add(client, mug, 2)

    response = client.post("/accounts/login/", LOGIN, follow=True)

    assert "We added 2 items from before you logged in to your cart." in response.content.decode()


def test_merged_quantities_are_capped_at_99(client, user, mug):
    add(client, mug, 70)
    other_device = Client(headers={"X-Real-IP": "203.0.113.31"})
    other_device.post("/accounts/login/", LOGIN)
    add(other_device, mug, 50)

    client.post("/accounts/login/", LOGIN)

    assert summary(client)["count"] == 99


def test_merging_the_same_cart_twice_adds_it_once(client, user, mug):
    add(client, mug, 3)
    anonymous = anonymous_cart(client.session["cart_id"])

    first = merge_carts(source=anonymous, target=user_cart(user.pk))
    second = merge_carts(source=anonymous, target=user_cart(user.pk))

    assert first == {mug.pk: 3}
    assert second == {}


def test_after_login_the_session_no_longer_names_an_anonymous_cart(client, user, mug):
    add(client, mug, 1)

    client.post("/accounts/login/", LOGIN)

    assert "cart_id" not in client.session


def test_a_users_cart_follows_them_to_another_device(logged_in_client, mug):
    add(logged_in_client, mug, 4)

    other_device = Client(headers={"X-Real-IP": "203.0.113.31"})
    other_device.post("/accounts/login/", LOGIN)

    assert summary(other_device)["count"] == 4


def test_a_users_cart_is_still_there_after_logout_and_the_next_login(logged_in_client, mug):
    add(logged_in_client, mug, 4)
    logged_in_client.post("/accounts/logout/")
    assert summary(logged_in_client)["count"] == 0

    logged_in_client.post("/accounts/login/", LOGIN)

    assert summary(logged_in_client)["count"] == 4


def keep_only_the_anonymous_cart(*, source, target):
    """A merge policy for the test below: the cart of this visit wins."""
    from cart import storage

    storage.clear(cart=target)
    return merge_carts(source=source, target=target)


def test_the_merge_can_be_replaced_in_the_settings(client, user, mug, board, settings):
    settings.CART_MERGE_FUNCTION = "tests.cart.test_merge.keep_only_the_anonymous_cart"
    other_device = Client(headers={"X-Real-IP": "203.0.113.31"})
    other_device.post("/accounts/login/", LOGIN)
    add(other_device, board, 1)
    add(client, mug, 2)

    client.post("/accounts/login/", LOGIN)

    assert summary(client) == {"count": 2, "lines": 1, "subtotal": "29.00"}
