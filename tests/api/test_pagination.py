"""
Lists of the API come in keyset pages: a limit and an opaque cursor. A walk
of every page gives each item that was there when it began once, while
items are added; a cursor the API did not make for that list and those
filters is a 400 naming it.
"""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from catalog.models import Product
from orders.models import Order, OrderLine

from .requests import get


@pytest.fixture
def token(tokens):
    return tokens["access_token"]


def add_products(category, *names: str) -> list[int]:
    return [
        Product.objects.create(
            category=category, name=name, slug=f"p-{uuid.uuid4().hex}", price="1.00", stock=1
        ).pk
        for name in names
    ]


def place_orders(user, count: int, *, at: datetime | None = None) -> list[int]:
    """`count` orders of the user, each with a line; all placed at the moment `at` when given."""
    ids = []
    for _ in range(count):
        order = Order.objects.create(
            user=user, checkout_token=uuid.uuid4().hex, full_name="Alice", address="1 Lane", city="Leeds",
            postal_code="LS1", country="UK", total="2.00",
        )  # fmt: skip
        OrderLine.objects.create(order=order, product_name="Camp mug", unit_price="2.00", quantity=1)
        ids.append(order.pk)
    if at is not None:
        Order.objects.filter(pk__in=ids).update(created_at=at)
    return ids


def walk(client, path: str, *, token: str | None = None, between=lambda: None) -> list[int]:
    """The ids of every item of every page of `path`, in the order given; `between` runs after each page."""
    seen, cursor = [], None
    for _page in range(100):
        separator = "&" if "?" in path else "?"
        response = get(client, path + (f"{separator}cursor={cursor}" if cursor else ""), token=token)
        assert response.status_code == 200, response.content
        seen += [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen
        between()
    raise AssertionError("the walk did not end")


def field_errors(response) -> set[str]:
    assert response.status_code == 400, response.content
    return {error["loc"][-1] for error in response.json()["errors"]}


def test_a_walk_of_the_products_sees_each_one_once_while_products_are_added(client, kitchen):
    # Four of one name: pages end among them, and only the id tells them apart.
    existing = add_products(kitchen, "Bowl", "Spoon", "Spoon", "Spoon", "Spoon", "Tray", "Whisk")
    added = iter(range(100))

    def add_before_at_and_after_the_walks_position():
        n = next(added)
        add_products(kitchen, f"Apron {n}", "Spoon", f"Zester {n}")

    seen = walk(client, "products?limit=2", between=add_before_at_and_after_the_walks_position)

    assert len(seen) == len(set(seen))
    assert set(existing) <= set(seen)


def test_the_products_come_by_name_then_id(client, kitchen):
    ids = add_products(kitchen, "Spoon", "Bowl", "Spoon", "Apron")

    assert walk(client, "products?limit=1") == [ids[3], ids[1], ids[0], ids[2]]


def test_a_walk_of_the_orders_sees_each_one_once_newest_first_while_orders_are_placed(client, token, user):
    moment = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    older = place_orders(user, 2, at=moment - timedelta(days=1))
    # Three in one microsecond: pages end among them, and only the id tells them apart.
    together = place_orders(user, 3, at=moment)
    newer = place_orders(user, 1, at=moment + timedelta(days=1))
    placed_during_the_walk = []

    seen = walk(
        client,
        "orders?limit=2",
        token=token,
        between=lambda: placed_during_the_walk.extend(place_orders(user, 1)),
    )

    assert seen == [*newer, *sorted(together, reverse=True), *sorted(older, reverse=True)]
    assert not set(placed_during_the_walk) & set(seen)


def test_the_default_limit_is_20(client, kitchen):
    add_products(kitchen, *(f"Spoon {n:02}" for n in range(21)))

    body = get(client, "products").json()

    assert len(body["items"]) == 20
    assert body["next_cursor"] is not None


def test_a_limit_of_100_the_most_gives_100_products(client, kitchen):
    add_products(kitchen, *(f"Spoon {n:03}" for n in range(101)))

    body = get(client, "products?limit=100").json()

    assert len(body["items"]) == 100
    assert body["next_cursor"] is not None


@pytest.mark.parametrize("limit", ["0", "101", "-1"])
def test_a_limit_out_of_range_is_a_bad_request_naming_it(client, token, mug, limit):
    assert field_errors(get(client, f"products?limit={limit}")) == {"limit"}
    assert field_errors(get(client, f"orders?limit={limit}", token=token)) == {"limit"}


def test_the_last_page_has_no_next_cursor(client, mug, board):
    first = get(client, "products?limit=1").json()
    last = get(client, f"products?limit=1&cursor={first['next_cursor']}").json()

    assert [item["name"] for item in last["items"]] == ["Walnut board"]
    assert last["next_cursor"] is None


def test_a_cursor_whose_position_was_changed_is_a_bad_request(client, kitchen):
    add_products(kitchen, "Apron", "Bowl", "Cup")
    cursor = get(client, "products?limit=1").json()["next_cursor"]
    payload, signature = cursor.rsplit(":", 1)
    made = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged = (
        base64.urlsafe_b64encode(json.dumps({**made, "after": ["Bowl", 1]}).encode()).rstrip(b"=").decode()
    )

    response = get(client, f"products?limit=1&cursor={forged}:{signature}")

    assert field_errors(response) == {"cursor"}
    assert "Not a cursor of this list" in response.json()["errors"][0]["msg"]


@pytest.mark.parametrize("cursor", ["abc", "WyJCb3dsIiwxXQ", "WyJCb3dsIiwxXQ:forged", "a:b:c"])
def test_a_cursor_the_api_did_not_make_is_a_bad_request(client, mug, cursor):
    assert field_errors(get(client, f"products?cursor={cursor}")) == {"cursor"}


def test_a_cursor_of_the_orders_is_refused_by_the_products(client, token, user, mug):
    place_orders(user, 2)
    cursor = get(client, "orders?limit=1", token=token).json()["next_cursor"]

    assert field_errors(get(client, f"products?cursor={cursor}")) == {"cursor"}


def test_a_cursor_sent_with_other_filters_is_a_bad_request(client, kitchen):
    add_products(kitchen, "Spoon 1", "Spoon 2", "Bowl")
    cursor = get(client, "products?q=spoon&limit=1").json()["next_cursor"]

    response = get(client, f"products?q=bowl&limit=1&cursor={cursor}")

    assert field_errors(response) == {"cursor"}
    assert "other filters" in response.json()["errors"][0]["msg"]


def test_a_walk_keeps_to_its_filters(client, kitchen, board):
    spoons = add_products(kitchen, "Spoon 1", "Bowl", "Spoon 2", "Spoon 3")

    assert walk(client, "products?q=spoon&limit=1") == [spoons[0], spoons[2], spoons[3]]


def test_a_page_of_products_after_a_cursor_costs_one_query(client, kitchen, django_assert_num_queries):
    add_products(kitchen, *(f"Spoon {n}" for n in range(5)))
    cursor = get(client, "products?limit=2").json()["next_cursor"]

    with django_assert_num_queries(1):
        response = get(client, f"products?limit=2&cursor={cursor}")

    assert len(response.json()["items"]) == 2


def test_a_page_of_orders_costs_two_queries_the_orders_and_their_lines(
    client, token, user, django_assert_num_queries
):
    place_orders(user, 5)
    cursor = get(client, "orders?limit=2", token=token).json()["next_cursor"]

    with django_assert_num_queries(2):
        response = get(client, f"orders?limit=2&cursor={cursor}", token=token)

    assert [len(order["lines"]) for order in response.json()["items"]] == [1, 1]
