"""
An add that reaches Redis twice: redis-py sends a command again after a
connection error, and when the connection broke after Redis ran the add
and before its answer came back, the same add runs a second time, well
within its deadline. Each add has an id, and the second run adds nothing.
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings

from cart import storage
from session_state import keys
from tests.reply_dropping_proxy import ReplyDroppingProxy
from tests.shopping import add, summary

LINE = {"line_cap": 99, "max_lines": 50}


def test_the_same_add_sent_twice_adds_once(mug, redis_client):
    cart = storage.visitor_cart(keys.new_tag())

    first = storage.add(cart=cart, product_id=mug.pk, quantity=2, add_id="one-add", **LINE)
    again = storage.add(cart=cart, product_id=mug.pk, quantity=2, add_id="one-add", **LINE)

    assert first == again == (storage.LineAnswer.CHANGED, 2)
    assert redis_client.hgetall(cart.key) == {str(mug.pk): "2"}


def test_two_adds_of_the_same_line_add_twice(mug, redis_client):
    cart = storage.visitor_cart(keys.new_tag())

    storage.add(cart=cart, product_id=mug.pk, quantity=2, **LINE)
    storage.add(cart=cart, product_id=mug.pk, quantity=2, **LINE)

    assert redis_client.hgetall(cart.key) == {str(mug.pk): "4"}


def test_an_adds_marker_lives_a_second_past_its_deadline(mug, redis_client):
    cart = storage.visitor_cart(keys.new_tag())

    storage.add(cart=cart, product_id=mug.pk, quantity=1, add_id="one-add", **LINE)

    deadline_ms = settings.REDIS_CHANGE_DEADLINE * 1000
    assert 1000 < redis_client.pttl(keys.cart_add(cart.tag, "one-add")) <= deadline_ms + 1000


@pytest.mark.one_redis
def test_an_add_whose_answer_was_lost_and_that_redis_py_sent_again_is_counted_once(
    client, mug, redis_server, settings
):
    redis = urlparse(redis_server.url)
    proxy = ReplyDroppingProxy(target=(redis.hostname, redis.port), word=b"EVALSHA")
    settings.CACHES = {
        alias: {**cache, "LOCATION": f"redis://127.0.0.1:{proxy.port}/0"}
        for alias, cache in settings.CACHES.items()
    }
    add(client, mug, 1)  # a visitor's session and cart, and the script known to Redis

    proxy.drop_the_next_answer()
    response = add(client, mug, 1)

    assert proxy.dropped == 1
    assert response.status_code == 302
    assert summary(client)["count"] == 2
    proxy.close()
