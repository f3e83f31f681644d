"""The shop through the API: the same catalog, cart, checkout and orders as the web's."""

import pytest

from accounts.models import SavedAddress
from orders.models import Order
from session_state import keys, sessions

from .requests import delete, get, log_in, post, put

SHIPPING = {"full_name": "Alice", "address": "1 Lane", "city": "Leeds", "postal_code": "LS1", "country": "UK"}


@pytest.fixture
def token(tokens):
    return tokens["access_token"]


def test_me_is_the_user_the_token_names(client, token, user):
    assert get(client, "me", token=token).json() == {
        "id": user.pk,
        "username": "alice",
        "email": "alice@example.com",
    }


def test_products_are_listed_with_the_catalogs_search(client, mug, board):
    body = get(client, "products?q=walnut").json()

    assert [item["name"] for item in body["items"]] == ["Walnut board"]
    assert body["next_cursor"] is None


def test_one_product_is_found_by_its_id_and_an_unknown_one_is_404(client, mug):
    assert get(client, f"products/{mug.pk}").json()["name"] == "Camp mug"
    assert get(client, "products/999999").status_code == 404


def test_adding_to_the_cart_answers_the_cart(client, token, mug):
    response = post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)

    assert response.status_code == 201
    assert response.json()["units"] == 2
    assert response.json()["lines"][0]["line_total"] == "29.00"


def test_the_api_and_the_web_share_one_cart(client, token, logged_in_client, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)

    page = logged_in_client.get("/cart/").content.decode()

    assert "Camp mug" in page


def test_more_than_the_stock_is_a_conflict_and_changes_nothing(client, token, board):
    response = post(client, "cart/items", {"product": board.pk, "quantity": 4}, token=token)

    assert response.status_code == 409
    assert response.json()["code"] == "over_line_cap"
    assert get(client, "cart", token=token).json()["units"] == 0


def test_a_sold_out_product_is_a_conflict(client, token, kettle):
    assert post(client, "cart/items", {"product": kettle.pk, "quantity": 1}, token=token).status_code == 409


@pytest.mark.parametrize("quantity", [0, -1, 100, "two"])
def test_a_quantity_out_of_range_is_a_bad_request_and_changes_nothing(client, token, mug, quantity):
    response = post(client, "cart/items", {"product": mug.pk, "quantity": quantity}, token=token)

    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"][-1] == "quantity"
    assert get(client, "cart", token=token).json()["units"] == 0


def test_an_unknown_product_is_not_found(client, token):
    assert post(client, "cart/items", {"product": 999999, "quantity": 1}, token=token).status_code == 404


def test_a_lines_quantity_is_set_and_the_line_removed(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)

    assert put(client, f"cart/items/{mug.pk}", {"quantity": 5}, token=token).json()["units"] == 5
    assert delete(client, f"cart/items/{mug.pk}", token=token).json()["units"] == 0


def test_checking_out_twice_with_one_idempotency_key_places_one_order(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)
    key = {"Idempotency-Key": "checkout-7f3a9c"}

    first = post(client, "checkout", {"shipping": SHIPPING}, token=token, **key)
    again = post(client, "checkout", {"shipping": SHIPPING}, token=token, **key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Order.objects.count() == 1
    assert get(client, "cart", token=token).json()["units"] == 0


def test_a_checkout_without_an_idempotency_key_is_a_bad_request(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)

    response = post(client, "checkout", {"shipping": SHIPPING}, token=token)

    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_a_checkout_without_an_address_uses_the_saved_one(client, token, mug, user):
    SavedAddress.objects.create(user=user, **SHIPPING)
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)

    response = post(client, "checkout", {}, token=token, **{"Idempotency-Key": "checkout-0002"})

    assert response.status_code == 201
    assert response.json()["city"] == "Leeds"


def test_checking_out_an_empty_cart_is_a_conflict(client, token):
    response = post(
        client, "checkout", {"shipping": SHIPPING}, token=token, **{"Idempotency-Key": "checkout-0003"}
    )

    assert (response.status_code, response.json()["code"]) == (409, "empty")


def test_orders_are_only_ones_own(client, token, mug, django_user_model, password):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)
    post(client, "checkout", {"shipping": SHIPPING}, token=token, **{"Idempotency-Key": "checkout-0004"})
    django_user_model.objects.create_user(username="mallory", password=password)
    mallory = log_in(client, "mallory", password)

    assert len(get(client, "orders", token=token).json()["items"]) == 1
    assert get(client, "orders", token=mallory["access_token"]).json() == {"items": [], "next_cursor": None}


@pytest.fixture
def quiet_feed(settings):
    """This worker's revocations feed, reading the whole set once a minute: none of its reads falls in a measurement."""
    settings.API_REVOCATION_CATCH_UP = 60
    settings.API_REVOCATION_STALE_AFTER = 120


# Every request of the API is counted (api.ratelimits): django-ratelimit
# adds its count, then increments it, two round trips once the window's
# count exists (a request before each measurement made it).
RATE_COUNT = 2


def test_a_read_that_needs_no_cart_costs_one_round_trip_for_its_user_two_for_its_rate_count_and_no_query(
    client, quiet_feed, token, round_trips, django_assert_num_queries
):
    get(client, "me", token=token)  # this worker's revocations feed has started, and read the set

    with round_trips, django_assert_num_queries(0):
        response = get(client, "me", token=token)

    assert response.status_code == 200
    assert round_trips.count == 1 + RATE_COUNT


def test_a_read_whose_user_record_is_missing_reads_the_user_from_the_database_and_writes_the_record(
    client, quiet_feed, token, user, redis_client, django_assert_num_queries
):
    record = keys.user_record(sessions.tag_of_user(user))
    redis_client.delete(record)

    with django_assert_num_queries(1):
        response = get(client, "me", token=token)

    assert response.json()["username"] == user.username
    assert redis_client.exists(record)


def test_reading_the_cart_costs_two_round_trips_its_users_record_and_the_cart_two_its_rate_count_and_one_query(
    client, quiet_feed, token, round_trips, mug, django_assert_num_queries
):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)

    with round_trips, django_assert_num_queries(1):
        response = get(client, "cart", token=token)

    assert response.json()["units"] == 1
    assert round_trips.count == 2 + RATE_COUNT
