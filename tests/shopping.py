"""What a shopper does with the Django test client, and what the suite reads back from Redis."""

from cart import storage
from session_state import keys, sessions
from session_state.connection import redis_client


def add(client, product, quantity=None, **extra):
    data = {} if quantity is None else {"quantity": quantity}
    return client.post(f"/cart/add/{product.pk}/", {**data, **extra})


def summary(client):
    return client.get("/cart/summary/").json()


def cart_of(user) -> storage.CartRef:
    """The user's cart in Redis, as the shop finds it."""
    return storage.user_cart(sessions.tag_of_user(user))


def contents_of(user) -> dict[int, int]:
    """What the user's cart in Redis holds: product id -> quantity."""
    return storage.contents(cart=cart_of(user))


def visitor_cart_of(client) -> storage.CartRef:
    """The cart of the anonymous visitor whose session the client holds, as the shop finds it."""
    return storage.visitor_cart(sessions.claimed_owner(client.session).tag)


def expire_the_user_record(user) -> None:
    """What USER_RECORD_TTL does to the record of the user (session_state.user_records): gone, until written again."""
    redis_client().delete(keys.user_record(sessions.tag_of_user(user)))
