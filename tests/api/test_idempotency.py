"""
An Idempotency-Key is bound to the request it came with (its method, path,
user and body): the same key with the same body is answered as the first
time and changes nothing more; with another body it is a 422 that changes
nothing. Checkout requires one; an add to the cart takes one.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import SavedAddress
from api import schemas
from api.idempotency import fingerprint
from catalog.models import Product
from orders.models import Order
from session_state import keys, sessions

from .requests import get, log_in, post

SHIPPING = {"full_name": "Alice", "address": "1 Lane", "city": "Leeds", "postal_code": "LS1", "country": "UK"}
KEY = {"Idempotency-Key": "retry-me-7f3a9c"}


@pytest.fixture
def token(tokens):
    return tokens["access_token"]


def units(client, token) -> int:
    return get(client, "cart", token=token).json()["units"]


def test_an_add_sent_again_with_its_idempotency_key_adds_once_and_answers_the_cart(client, token, mug):
    first = post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token, **KEY)
    again = post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token, **KEY)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert units(client, token) == 2


def test_an_idempotency_key_sent_again_with_another_add_is_422_and_changes_nothing(client, token, mug, board):
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token, **KEY)

    response = post(client, "cart/items", {"product": board.pk, "quantity": 1}, token=token, **KEY)

    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_reused")
    assert "Idempotency-Key" in response.json()["detail"]
    assert units(client, token) == 2


def test_an_idempotency_key_sent_again_with_another_quantity_is_422(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token, **KEY)

    response = post(client, "cart/items", {"product": mug.pk, "quantity": 3}, token=token, **KEY)

    assert response.status_code == 422
    assert units(client, token) == 2


def test_adds_without_an_idempotency_key_add_each_time(client, token, mug):
    first = post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)
    second = post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)

    assert (first.status_code, second.status_code) == (201, 201)
    assert units(client, token) == 4


def test_an_add_sent_again_after_its_product_sold_out_is_still_answered_as_the_add(client, token, board):
    post(client, "cart/items", {"product": board.pk, "quantity": 1}, token=token, **KEY)
    Product.objects.filter(pk=board.pk).update(stock=0)

    again = post(client, "cart/items", {"product": board.pk, "quantity": 1}, token=token, **KEY)

    assert (again.status_code, again.json()["units"]) == (200, 1)


def test_a_keyed_add_of_a_sold_out_product_is_a_conflict(client, token, kettle):
    response = post(client, "cart/items", {"product": kettle.pk, "quantity": 1}, token=token, **KEY)

    assert (response.status_code, response.json()["code"]) == (409, "sold_out")


def test_a_refused_add_binds_no_idempotency_key(client, token, board):
    refused = post(client, "cart/items", {"product": board.pk, "quantity": 4}, token=token, **KEY)

    response = post(client, "cart/items", {"product": board.pk, "quantity": 1}, token=token, **KEY)

    assert (refused.status_code, response.status_code) == (409, 201)
    assert units(client, token) == 1


def test_an_adds_idempotency_key_is_kept_24_hours_in_the_users_slot(client, token, user, mug, redis_client):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token, **KEY)

    kept = redis_client.ttl(keys.idempotency_key(sessions.tag_of_user(user), KEY["Idempotency-Key"]))

    assert 24 * 3600 - 5 < kept <= 24 * 3600


def test_one_users_idempotency_key_is_not_another_users(
    client, token, mug, board, django_user_model, password
):
    django_user_model.objects.create_user(username="mallory", password=password)
    mallory = log_in(client, "mallory", password)["access_token"]
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token, **KEY)

    response = post(client, "cart/items", {"product": board.pk, "quantity": 1}, token=mallory, **KEY)

    assert (response.status_code, units(client, mallory)) == (201, 1)


@pytest.mark.parametrize("malformed", ["short", "has space in it", "x" * 65, "brace{tag}key"])
def test_a_malformed_idempotency_key_is_a_bad_request_and_changes_nothing(client, token, mug, malformed):
    response = post(
        client,
        "cart/items",
        {"product": mug.pk, "quantity": 1},
        token=token,
        **{"Idempotency-Key": malformed},
    )

    assert response.status_code == 400
    assert units(client, token) == 0


def test_the_same_body_with_its_keys_in_another_order_and_spacing_is_the_same_request(client, token, mug):
    headers = {"Authorization": f"Bearer {token}", **KEY}
    first = client.post(
        "/api/v1/cart/items", f'{{"product": {mug.pk}, "quantity": 2}}', "application/json", headers=headers
    )
    again = client.post(
        "/api/v1/cart/items", f'{{ "quantity":2,"product":{mug.pk} }}', "application/json", headers=headers
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert units(client, token) == 2


def test_a_checkout_sent_again_with_its_key_and_another_body_is_422_and_orders_nothing(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)
    post(client, "checkout", {"shipping": SHIPPING}, token=token, **KEY)
    post(client, "cart/items", {"product": mug.pk, "quantity": 3}, token=token)

    response = post(client, "checkout", {"shipping": {**SHIPPING, "city": "York"}}, token=token, **KEY)

    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_reused")
    assert Order.objects.count() == 1
    assert units(client, token) == 3


def test_a_checkout_with_the_address_left_out_is_another_body_than_one_with_it(client, token, mug, user):
    SavedAddress.objects.create(user=user, **SHIPPING)
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)
    post(client, "checkout", {}, token=token, **KEY)

    response = post(client, "checkout", {"shipping": SHIPPING}, token=token, **KEY)

    assert response.status_code == 422


def test_a_checkout_key_older_than_24_hours_places_a_new_order(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)
    first = post(client, "checkout", {"shipping": SHIPPING}, token=token, **KEY).json()
    Order.objects.filter(pk=first["id"]).update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)

    response = post(client, "checkout", {"shipping": {**SHIPPING, "city": "York"}}, token=token, **KEY)

    assert response.status_code == 201
    assert response.json()["id"] != first["id"]
    assert Order.objects.get(pk=first["id"]).idempotency_key == ""


def test_a_checkout_key_younger_than_24_hours_is_still_bound(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)
    first = post(client, "checkout", {"shipping": SHIPPING}, token=token, **KEY).json()
    Order.objects.filter(pk=first["id"]).update(created_at=timezone.now() - timedelta(hours=23, minutes=59))
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)

    again = post(client, "checkout", {"shipping": SHIPPING}, token=token, **KEY)

    assert (again.status_code, again.json()["id"]) == (200, first["id"])
    assert Order.objects.count() == 1


def test_an_order_placed_before_fingerprints_were_kept_answers_its_key_whatever_the_body(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)
    first = post(client, "checkout", {"shipping": SHIPPING}, token=token, **KEY).json()
    Order.objects.filter(pk=first["id"]).update(idempotency_fingerprint="")

    again = post(client, "checkout", {"shipping": {**SHIPPING, "city": "York"}}, token=token, **KEY)

    assert (again.status_code, again.json()["id"]) == (200, first["id"])


@pytest.mark.parametrize("changed", ["method", "path", "user", "body"])
def test_a_requests_fingerprint_changes_with_its_method_path_user_or_body(rf, changed):
    def of(method="post", path="/api/v1/cart/items", user=1, quantity=2):
        request = getattr(rf, method)(path)
        request.user = SimpleNamespace(pk=user)
        return fingerprint(request, schemas.CartLineIn(product=1, quantity=quantity))

    other = {"method": {"method": "put"}, "path": {"path": "/api/v1/checkout"}, "user": {"user": 2}}
    assert of(**other.get(changed, {"quantity": 3})) != of()
