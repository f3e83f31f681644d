from django.contrib.auth import get_user_model
from django.test import Client

from cart import storage
from cart.services import merge_carts
from session_state import keys
from tests.shopping import add, cart_of, contents_of, summary, visitor_cart_of

LOGIN = {"username": "alice", "password": "correct-horse-battery"}


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
    visitor = visitor_cart_of(client)

    first = merge_carts(source=visitor, target=cart_of(user))
    second = merge_carts(source=visitor, target=cart_of(user))

    assert first == {mug.pk: 3}
    assert second == {}


# A merge is three steps, each a script in one slot (storage.merge): claim
# in the visitor's slot, apply in the user's, settle in the visitor's. A
# failure between two steps (Redis down, the worker killed) is a merge
# stopped there, which a merge of the same carts (a racing login) finishes.


def test_a_merge_stopped_after_its_claim_adds_the_lines_once_when_run_again(client, user, mug, redis_client):
    add(client, mug, 3)
    visitor = visitor_cart_of(client)
    storage.claim_for_merge(source=visitor, target=cart_of(user))

    added = merge_carts(source=visitor, target=cart_of(user))

    assert added == {mug.pk: 3}
    assert contents_of(user) == {mug.pk: 3}
    assert redis_client.exists(visitor.key, keys.cart_merging(visitor.tag)) == 0


def stop_after_applying(*, source, target) -> None:
    """A merge's first two steps, and not its third."""
    claim = storage.claim_for_merge(source=source, target=target)
    storage.apply_merge(claim=claim, target=target, line_cap=99, max_lines=50)


def test_a_merge_stopped_after_applying_adds_nothing_more_when_run_again(client, user, mug, redis_client):
    add(client, mug, 3)
    visitor = visitor_cart_of(client)
    stop_after_applying(source=visitor, target=cart_of(user))

    added = merge_carts(source=visitor, target=cart_of(user))

    assert added == {}
    assert contents_of(user) == {mug.pk: 3}
    assert redis_client.exists(visitor.key, keys.cart_merging(visitor.tag)) == 0


def test_a_claim_made_again_for_the_same_user_is_the_same_merge(client, user, mug):
    add(client, mug, 3)
    visitor = visitor_cart_of(client)

    first = storage.claim_for_merge(source=visitor, target=cart_of(user))
    again = storage.claim_for_merge(source=visitor, target=cart_of(user))

    assert first == again
    assert first.lines == {mug.pk: 3}


def test_after_login_the_visitors_cart_is_gone_from_redis(client, user, mug, redis_client):
    add(client, mug, 1)
    visitor = visitor_cart_of(client)

    client.post("/accounts/login/", LOGIN)

    assert not redis_client.exists(visitor.key)


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


def test_a_visitors_cart_claimed_by_one_user_at_login_is_not_merged_into_anothers(client, user, mug):
    # Two accounts logging in at once in two tabs of one visitor: the first
    # to claim the visitor's cart gets it, whichever finishes first.
    add(client, mug, 3)
    visitor = visitor_cart_of(client)
    other = get_user_model().objects.create_user(username="bob", password="bob-password-1")
    claimed_for_bob = storage.merge(source=visitor, target=cart_of(other), line_cap=99, max_lines=50)
    # As at the moment bob's merge had added the lines but not yet deleted them.
    storage.add(cart=visitor, product_id=mug.pk, quantity=3, line_cap=99, max_lines=50)

    for_alice = merge_carts(source=visitor, target=cart_of(user))

    assert claimed_for_bob == {mug.pk: 3}
    assert for_alice == {}
    assert contents_of(user) == {}


def test_a_merge_whose_replica_did_not_acknowledge_keeps_the_claimed_copy(
    client, user, mug, settings, redis_client
):
    settings.REDIS_WAIT_FOR_REPLICAS, settings.REDIS_REPLICA_WAIT_MS = 2, 20  # more than any primary here has
    add(client, mug, 3)
    visitor = visitor_cart_of(client)

    added = merge_carts(source=visitor, target=cart_of(user))

    assert added == {mug.pk: 3}
    # Lost with a failover, the user's cart could still be rebuilt from it.
    assert redis_client.hgetall(keys.cart_merging(visitor.tag)) == {str(mug.pk): "3"}
