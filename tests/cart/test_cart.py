import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from catalog.models import Product
from session_state.fields import SEEN_AT
from tests.shopping import add, cart_of, contents_of, expire_the_user_record, summary, visitor_cart_of


def test_an_anonymous_visitor_can_add_a_product_and_is_sent_to_the_cart(client, mug):
    response = add(client, mug, 2)

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    assert summary(client) == {"count": 2, "lines": 1, "subtotal": "29.00"}


def test_adding_without_a_quantity_adds_one(client, mug):
    add(client, mug)

    assert summary(client)["count"] == 1


def test_adding_the_same_product_again_adds_up(client, mug):
    add(client, mug, 2)
    add(client, mug, 3)

    assert summary(client) == {"count": 5, "lines": 1, "subtotal": "72.50"}


def test_adding_goes_back_to_the_page_it_came_from(client, mug):
    response = add(client, mug, 1, next="/category/kitchen/?page=1")

    assert response["Location"] == "/category/kitchen/?page=1"


def test_adding_never_redirects_off_the_site(client, mug):
    response = add(client, mug, 1, next="https://evil.example/")

    assert response["Location"] == "/cart/"


def test_a_next_that_names_no_page_still_redirects_on_the_site(client, mug):
    response = add(client, mug, 1, next="cart")

    assert response.status_code == 302
    assert summary(client)["count"] == 1


def test_an_unknown_product_answers_404(client, db):
    assert client.post("/cart/add/999999/", {"quantity": 1}).status_code == 404


@pytest.mark.parametrize("quantity", ["abc", "1.5", "", "2e3"])
def test_a_quantity_that_is_not_a_whole_number_answers_400_and_changes_nothing(client, mug, quantity):
    add(client, mug, 1)

    response = add(client, mug, quantity)

    assert response.status_code == 400
    assert "whole number" in response.content.decode() or "required" in response.content.decode()
    assert summary(client)["count"] == 1


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_a_quantity_below_1_or_above_99_answers_400_and_changes_nothing(client, mug, quantity):
    response = add(client, mug, quantity)

    assert response.status_code == 400
    assert summary(client)["count"] == 0


def test_a_line_stops_at_99_units(client, mug):
    add(client, mug, 60)

    response = add(client, mug, 40)

    assert response.status_code == 400
    assert "at most 99" in response.content.decode()
    assert summary(client)["count"] == 60


def test_more_than_the_stock_answers_400(client, board):
    response = add(client, board, 4)

    assert response.status_code == 400
    assert "only 3 in stock" in response.content.decode()
    assert summary(client)["count"] == 0


def test_a_sold_out_product_cannot_be_added(client, kettle):
    response = add(client, kettle, 1)

    assert response.status_code == 400
    assert "sold out" in response.content.decode()


def test_a_cart_of_50_lines_refuses_a_51st(client, kitchen):
    products = Product.objects.bulk_create(
        Product(category=kitchen, name=f"Spoon {n}", slug=f"spoon-{n}", price="1.00", stock=10)
        for n in range(51)
    )
    for product in products[:50]:
        add(client, product, 1)

    response = add(client, products[50], 1)

    assert response.status_code == 400
    assert "50 different products" in response.content.decode()
    assert summary(client)["lines"] == 50


def test_a_refused_add_keeps_what_the_shopper_typed(client, board):
    response = add(client, board, 7)

    assert 'value="7"' in response.content.decode()


def test_update_sets_a_lines_quantity(client, mug):
    add(client, mug, 5)

    response = client.post(f"/cart/update/{mug.pk}/", {"quantity": 2})

    assert response.status_code == 302
    assert summary(client)["count"] == 2


@pytest.mark.parametrize("quantity", ["0", "100", "500", "x"])
def test_update_with_a_bad_quantity_keeps_the_line_and_goes_back_to_the_cart(client, mug, quantity):
    add(client, mug, 5)

    response = client.post(f"/cart/update/{mug.pk}/", {"quantity": quantity})

    assert (response.status_code, response["Location"]) == (302, "/cart/")
    assert summary(client)["count"] == 5


@pytest.mark.parametrize("quantity", ["0", "500", "x"])
def test_the_cart_page_says_which_products_quantity_was_refused(client, mug, quantity):
    add(client, mug, 5)

    page = client.post(f"/cart/update/{mug.pk}/", {"quantity": quantity}, follow=True).content.decode()

    alert = re.search(r'role="alert">([^<]*)<', page).group(1)
    assert mug.name in alert


def test_remove_deletes_the_line(client, mug, board):
    add(client, mug, 1)
    add(client, board, 1)

    client.post(f"/cart/remove/{mug.pk}/")

    assert summary(client) == {"count": 1, "lines": 1, "subtotal": "48.00"}


def test_clear_empties_the_cart(client, mug, board):
    add(client, mug, 1)
    add(client, board, 1)

    response = client.post("/cart/clear/")

    assert response["Location"] == "/cart/"
    assert summary(client) == {"count": 0, "lines": 0, "subtotal": "0.00"}


def test_the_cart_page_shows_lines_totals_and_the_subtotal(client, mug, board):
    add(client, mug, 2)
    add(client, board, 1)

    page = client.get("/cart/").content.decode()

    assert "Camp mug" in page
    assert "$29.00" in page
    assert "$77.00" in page


def test_the_header_shows_the_number_of_units_on_every_page(client, mug):
    add(client, mug, 3)

    page = client.get("/").content.decode()

    assert '<span class="cart-count" data-testid="cart-count">3</span>' in page


def test_the_cart_is_not_in_the_session_but_beside_it(client, mug, redis_client):
    add(client, mug, 3)

    assert set(client.session.keys()) == {SEEN_AT}
    assert redis_client.hgetall(visitor_cart_of(client).key) == {str(mug.pk): "3"}


def test_an_anonymous_cart_lives_as_long_as_an_idle_session(client, mug, redis_client):
    add(client, mug, 1)

    ttl = redis_client.ttl(visitor_cart_of(client).key)

    assert settings.SESSION_COOKIE_AGE - 5 <= ttl <= settings.SESSION_COOKIE_AGE


def test_a_users_cart_lives_30_days_after_its_last_change(logged_in_client, user, mug, redis_client):
    add(logged_in_client, mug, 1)

    ttl = redis_client.ttl(cart_of(user).key)

    assert 30 * 24 * 3600 - 5 <= ttl <= 30 * 24 * 3600


@pytest.mark.parametrize("path", ["/cart/add/1/", "/cart/update/1/", "/cart/remove/1/", "/cart/clear/"])
def test_changes_to_the_cart_must_be_posted(client, db, path):
    assert client.get(path).status_code == 405


def test_a_cart_change_answers_503_when_redis_is_down(client, mug, redis_down):
    response = add(client, mug, 1)

    assert response.status_code == 503


def test_the_session_of_a_deactivated_user_neither_reads_nor_changes_their_cart(logged_in_client, user, mug):
    add(logged_in_client, mug, 2)
    # As an update() does, which sends no signal: the session is still in
    # Redis, and only Django's check refuses its user, once the user's record
    # has expired (USER_RECORD_TTL; session_state.user_records).
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    expire_the_user_record(user)

    header = logged_in_client.get("/").context["cart_units"]
    add(logged_in_client, mug, 3)

    assert header == 0
    assert contents_of(user) == {mug.pk: 2}
    assert summary(logged_in_client)["count"] == 3  # in a visitor's cart of their own
