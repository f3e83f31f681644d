import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cart import storage
from catalog.models import Product
from orders.models import Order
from tests.shopping import add, cart_of, summary

ADDRESS = {
    "full_name": "Erin Shopper",
    "address": "1 Market St",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "USA",
}


def open_checkout(client):
    """Open the checkout page: (the checkout token, the digest of the cart it shows)."""
    page = client.get("/checkout/")
    return page.context["form"].initial["checkout_token"], page.context["cart"].digest


def checkout_token(client):
    return open_checkout(client)[0]


def place_order(client, opened=None, **address):
    token, digest = opened or open_checkout(client)
    return client.post("/checkout/", {**ADDRESS, **address, "checkout_token": token, "cart_digest": digest})


def test_checkout_sends_an_anonymous_shopper_to_log_in_and_back(client, mug):
    add(client, mug, 1)

    response = client.get("/checkout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/checkout/"


def test_the_login_page_says_why_the_checkout_asked_for_it(client, mug):
    add(client, mug, 1)

    page = client.get("/checkout/", follow=True).content.decode()

    assert "Please log in to check out. What&#x27;s in your cart comes with you." in page


def test_checkout_with_an_empty_cart_sends_the_shopper_to_the_cart(logged_in_client):
    response = logged_in_client.get("/checkout/")

    assert response["Location"] == "/cart/"


def test_placing_an_order_writes_it_at_current_prices_and_takes_the_stock(logged_in_client, user, mug, board):
    add(logged_in_client, mug, 2)
    add(logged_in_client, board, 1)

    response = place_order(logged_in_client)

    order = Order.objects.get(user=user)
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.total == 77
    assert [(line.product_name, line.unit_price, line.quantity) for line in order.lines.all()] == [
        ("Camp mug", 14.5, 2),
        ("Walnut board", 48, 1),
    ]
    assert Product.objects.get(pk=mug.pk).stock == 498
    assert Product.objects.get(pk=board.pk).stock == 2


def test_the_confirmation_page_thanks_the_shopper(logged_in_client, mug):
    add(logged_in_client, mug, 1)

    response = place_order(logged_in_client)
    page = logged_in_client.get(response["Location"]).content.decode()

    assert "Thank you! Your order #" in page
    assert "Camp mug" in page


def test_the_cart_is_empty_after_the_order(logged_in_client, mug):
    add(logged_in_client, mug, 2)

    place_order(logged_in_client)

    assert summary(logged_in_client)["count"] == 0


def test_submitting_the_same_checkout_twice_places_one_order(logged_in_client, user, mug):
    add(logged_in_client, mug, 2)
    opened = open_checkout(logged_in_client)

    first = place_order(logged_in_client, opened)
    second = place_order(logged_in_client, opened)

    assert Order.objects.filter(user=user).count() == 1
    assert first["Location"] == second["Location"]
    assert Product.objects.get(pk=mug.pk).stock == 498


def test_two_tabs_share_one_checkout_token_until_the_order_is_placed(logged_in_client, mug):
    add(logged_in_client, mug, 1)

    first_tab, second_tab = open_checkout(logged_in_client), open_checkout(logged_in_client)
    place_order(logged_in_client, first_tab)
    add(logged_in_client, mug, 1)

    assert first_tab == second_tab
    assert checkout_token(logged_in_client) != first_tab[0]


def test_a_cart_that_changed_since_the_checkout_page_was_opened_is_not_ordered(logged_in_client, mug, board):
    add(logged_in_client, mug, 1)
    opened = open_checkout(logged_in_client)
    add(logged_in_client, board, 1)  # in another tab

    response = place_order(logged_in_client, opened)

    assert response.status_code == 409
    assert "Your cart changed since this page was opened" in response.content.decode()
    assert "Walnut board" in response.content.decode()
    assert not Order.objects.exists()


def test_only_what_was_ordered_leaves_the_cart(user, mug, board):
    cart = cart_of(user)
    storage.add(cart=cart, product_id=mug.pk, quantity=3, line_cap=99, max_lines=50)
    storage.add(cart=cart, product_id=board.pk, quantity=1, line_cap=99, max_lines=50)

    storage.remove_ordered(cart=cart, ordered={mug.pk: 2, board.pk: 1})

    assert storage.contents(cart=cart) == {mug.pk: 1}


def test_ordering_more_than_the_stock_answers_409_and_writes_nothing(logged_in_client, user, board):
    add(logged_in_client, board, 3)
    Product.objects.filter(pk=board.pk).update(stock=1)

    response = place_order(logged_in_client)

    assert response.status_code == 409
    assert "only 1 of Walnut board are left" in response.content.decode()
    assert not Order.objects.exists()
    assert Product.objects.get(pk=board.pk).stock == 1
    assert summary(logged_in_client)["count"] == 3


def test_a_product_that_sold_out_meanwhile_gets_a_clear_message(logged_in_client, board):
    add(logged_in_client, board, 1)
    Product.objects.filter(pk=board.pk).update(stock=0)

    response = place_order(logged_in_client)

    assert response.status_code == 409
    assert "Walnut board has just sold out" in response.content.decode()


@pytest.mark.parametrize("field", ["full_name", "address", "city", "postal_code", "country"])
def test_a_missing_address_field_answers_400_and_keeps_what_was_typed(logged_in_client, mug, field):
    add(logged_in_client, mug, 1)

    response = place_order(logged_in_client, **{field: ""})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert "1 Market St" in response.content.decode() or field == "address"
    assert not Order.objects.exists()


def test_a_redis_outage_at_checkout_answers_503_and_writes_nothing(logged_in_client, mug, request):
    add(logged_in_client, mug, 1)
    opened = open_checkout(logged_in_client)
    request.getfixturevalue("redis_down")  # from here on

    response = place_order(logged_in_client, opened)

    assert response.status_code == 503
    assert not Order.objects.exists()
    assert Product.objects.get(pk=mug.pk).stock == 500


def test_a_shopper_sees_their_orders_in_the_history(logged_in_client, mug):
    add(logged_in_client, mug, 1)
    place_order(logged_in_client)

    page = logged_in_client.get("/orders/").content.decode()

    assert "1 × Camp mug" in page


def test_someone_elses_order_answers_404(logged_in_client, mug):
    add(logged_in_client, mug, 1)
    order_url = place_order(logged_in_client)["Location"]
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user(username="frank", password="x"))

    assert stranger.get(order_url).status_code == 404


def test_the_order_history_needs_a_login(client, db):
    assert client.get("/orders/")["Location"] == "/accounts/login/?next=/orders/"


def test_the_checkout_fills_in_the_saved_address_when_the_password_is_recent(logged_in_client, mug):
    logged_in_client.post("/accounts/address/", ADDRESS)
    add(logged_in_client, mug, 1)

    form = logged_in_client.get("/checkout/").context["form"]

    assert form.initial["city"] == "Springfield"


def test_the_checkout_does_not_show_the_saved_address_when_the_password_is_old(logged_in_client, mug):
    from session_state.fields import PASSWORD_AT

    logged_in_client.post("/accounts/address/", ADDRESS)
    add(logged_in_client, mug, 1)
    session = logged_in_client.session
    session[PASSWORD_AT] = 0
    session.save()

    form = logged_in_client.get("/checkout/").context["form"]

    assert "city" not in form.initial


def test_a_checkout_token_another_user_has_used_orders_nothing_and_answers_409(logged_in_client, mug):
    add(logged_in_client, mug, 1)
    alices_token = checkout_token(logged_in_client)
    place_order(logged_in_client)
    bob = Client(headers={"X-Real-IP": "203.0.113.40"})
    get_user_model().objects.create_user(username="bob", password="bob-password-1")
    bob.post("/accounts/login/", {"username": "bob", "password": "bob-password-1"})
    add(bob, mug, 2)
    _bobs_token, digest = open_checkout(bob)

    response = place_order(bob, (alices_token, digest))

    assert response.status_code == 409
    assert "out of date" in response.content.decode()
    assert Order.objects.count() == 1
    assert summary(bob)["count"] == 2


def test_a_made_up_checkout_token_orders_nothing(logged_in_client, mug):
    add(logged_in_client, mug, 1)
    _token, digest = open_checkout(logged_in_client)

    response = place_order(logged_in_client, ("made-up-by-the-client", digest))

    assert response.status_code == 409
    assert not Order.objects.exists()
