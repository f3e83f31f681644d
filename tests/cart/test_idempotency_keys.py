"""
An add with an Idempotency-Key (the API's) in Redis: the add that ran
binds the key to its request's fingerprint, in the same script; the same
fingerprint again adds nothing, another changes nothing.
"""

from django.conf import settings

from cart import storage
from session_state import keys

LINE = {"line_cap": 99, "max_lines": 50}


def test_an_add_binds_its_key_to_its_fingerprint_for_the_keys_lifetime(mug, redis_client):
    cart = storage.user_cart(keys.new_tag())

    storage.add(
        cart=cart, product_id=mug.pk, quantity=1, idempotency_key="key-0001", fingerprint="f1", **LINE
    )

    record = keys.idempotency_key(cart.tag, "key-0001")
    assert redis_client.get(record) == "f1"
    assert (
        settings.IDEMPOTENCY_KEY_LIFETIME - 5 < redis_client.ttl(record) <= settings.IDEMPOTENCY_KEY_LIFETIME
    )


def test_the_same_key_and_fingerprint_again_add_nothing(mug, redis_client):
    cart = storage.user_cart(keys.new_tag())
    storage.add(
        cart=cart, product_id=mug.pk, quantity=2, idempotency_key="key-0001", fingerprint="f1", **LINE
    )

    again = storage.add(
        cart=cart, product_id=mug.pk, quantity=2, idempotency_key="key-0001", fingerprint="f1", **LINE
    )

    assert again == (storage.LineAnswer.ADDED_BEFORE, 2)
    assert redis_client.hgetall(cart.key) == {str(mug.pk): "2"}


def test_the_same_key_with_another_fingerprint_changes_nothing(mug, board, redis_client):
    cart = storage.user_cart(keys.new_tag())
    storage.add(
        cart=cart, product_id=mug.pk, quantity=2, idempotency_key="key-0001", fingerprint="f1", **LINE
    )

    other = storage.add(
        cart=cart, product_id=board.pk, quantity=1, idempotency_key="key-0001", fingerprint="f2", **LINE
    )

    assert other[0] == storage.LineAnswer.KEY_REUSED
    assert redis_client.hgetall(cart.key) == {str(mug.pk): "2"}
    assert redis_client.get(keys.idempotency_key(cart.tag, "key-0001")) == "f1"


def test_a_retry_that_reaches_redis_past_its_deadline_is_answered_as_the_add_was(mug, settings):
    cart = storage.user_cart(keys.new_tag())
    storage.add(
        cart=cart, product_id=mug.pk, quantity=2, idempotency_key="key-0001", fingerprint="f1", **LINE
    )
    settings.REDIS_CHANGE_DEADLINE = -1  # every add from here on reaches Redis too late

    again = storage.add(
        cart=cart, product_id=mug.pk, quantity=2, idempotency_key="key-0001", fingerprint="f1", **LINE
    )

    assert again == (storage.LineAnswer.ADDED_BEFORE, 2)


def test_redis_pys_resend_of_a_keyed_add_is_answered_as_its_first_run(mug):
    cart = storage.user_cart(keys.new_tag())
    line = {"product_id": mug.pk, "quantity": 2, "add_id": "one-add", "idempotency_key": "key-0001", **LINE}

    first = storage.add(cart=cart, fingerprint="f1", **line)
    resent = storage.add(cart=cart, fingerprint="f1", **line)

    assert first == resent == (storage.LineAnswer.CHANGED, 2)
