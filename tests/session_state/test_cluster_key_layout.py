"""
On Redis Cluster, what one request needs in one round trip must be in one
slot: every key of a user (sessions, index, cart, checkout token, record,
API logins) shares the user's slot, and every key of an anonymous visitor
the visitor's. Checked with the cluster's own CLUSTER KEYSLOT, for the key
names session_state.keys makes and for the keys real shopping writes.
"""

import re

from django.contrib.auth import get_user_model
from django.test import Client

from ops.redis_cluster import primaries
from session_state import keys
from session_state.models import UserTag
from tests.fixtures import PASSWORD
from tests.shopping import add

OWNERS = 500


def keys_of_a_user(tag: str) -> list[str]:
    return [
        keys.session(keys.new_session_id(mark=keys.LOGGED_IN_MARK, tag=tag)),
        keys.session_end(keys.new_session_id(mark=keys.LOGGED_IN_MARK, tag=tag)),
        keys.session(keys.new_session_id(mark=keys.TOKEN_LOGIN_MARK, tag=tag)),
        keys.user_sessions(tag),
        keys.user_record(tag),
        keys.former_user_record(tag),
        keys.cart(tag),
        keys.cart_add(tag, "an-add-id"),
        keys.checkout_token(tag),
        keys.merged_carts(tag),
        keys.idempotency_key(tag, "a-client-key-{with-braces}"),
        keys.authorization_code(tag, "a-code-digest"),
    ]


def keys_of_a_visitor(tag: str) -> list[str]:
    return [
        keys.session(keys.new_session_id(mark=keys.ANONYMOUS_MARK, tag=tag)),
        *keys.named_by_visitor(tag),
        keys.cart_add(tag, "an-add-id"),
        keys.checkout_token(tag),
        keys.cart_claim(tag),
        keys.cart_merging(tag),
    ]


def test_every_key_of_a_user_is_in_the_users_slot(keyslot_of):
    for _user in range(OWNERS):
        slots = {keyslot_of(key) for key in keys_of_a_user(keys.new_tag())}

        assert len(slots) == 1


def test_every_key_of_an_anonymous_visitor_is_in_the_visitors_slot(keyslot_of):
    for _visitor in range(OWNERS):
        slots = {keyslot_of(key) for key in keys_of_a_visitor(keys.new_tag())}

        assert len(slots) == 1


def test_owners_are_spread_over_the_slots(keyslot_of):
    slots = {keyslot_of(keys.cart(keys.new_tag())) for _owner in range(OWNERS)}

    assert len(slots) > OWNERS * 0.9  # 16384 slots: a few collisions, never one slot for all


def test_what_shopping_writes_keeps_each_owner_in_one_slot(mug, keyslot_of, redis_client):
    visitor_tags = []
    for number in range(12):
        username = f"shopper-{number}"
        get_user_model().objects.create_user(username=username, password=PASSWORD)
        shopper = Client(headers={"X-Real-IP": f"203.0.113.{100 + number}"})
        add(shopper, mug, 1)  # as a visitor: an anonymous session and cart
        visitor_tags.append(keys.tag_of(shopper.session.session_key))
        shopper.post("/accounts/login/", {"username": username, "password": PASSWORD})  # the cart merged
        add(shopper, mug, 1)
        shopper.get("/checkout/")  # a checkout token
        shopper.post("/api/v1/auth/token", {"username": username, "password": PASSWORD}, "application/json")
    written = [key for primary in primaries(redis_client) for key in primary.keys("*")]
    owners = [*UserTag.objects.values_list("tag", flat=True), *visitor_tags]

    for tag in owners:
        named = [key for key in written if tag in key]
        assert named, f"no key names the owner {tag}"
        assert len({keyslot_of(key) for key in named}) == 1, named
        assert all(re.search(r"\{(.*?)\}", key).group(1) == tag for key in named), named
