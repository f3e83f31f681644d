"""
Where carts live: one Redis hash per cart, product id -> quantity, under
its owner's tag (session_state.keys), beside the session that names it.

Every change is a single Redis command or a short Lua script (cart/scripts/),
so two requests of one visitor that run at once on two workers both count,
and a check that must go with a change (a line's cap, the number of lines)
is made in the same atomic step. Nothing here reads the whole cart, changes
it in Python and writes it back: that is how carts lose updates.

Redis errors are let through: the middleware answers 503 and nothing is
changed half-way.

An add carries a deadline. When Redis stalls, the command a worker sent
waits in Redis's socket, and Redis runs it as soon as it wakes, long after
the worker gave up and answered 503: the shopper, told the add failed, adds
again and has the units twice. So an add that Redis starts after its
deadline changes nothing (settings.REDIS_CHANGE_DEADLINE). And an add
that runs twice is counted once: redis-py sends a command again after a
connection error (once on one Redis; on a cluster, after re-reading the
slot map), and when the connection broke after Redis ran the add but
before its answer arrived, the same add reaches Redis a second time, well
within its deadline. So each add carries an id, and the script keeps a
marker of an add that ran (keys.cart_add, in the cart's slot) until a
second after its deadline, past which no resend can run anyway; a resend
finds it and answers as the first run did. A client's retry is another
add (another id): an API client sends an Idempotency-Key with it, which
the add that ran binds to its request's fingerprint (keys.idempotency_key,
in the cart's slot) for settings.IDEMPOTENCY_KEY_LIFETIME; the same
request again adds nothing, another with the key is refused. The other
changes are right even when they run late: setting a quantity, removing and
clearing give what the shopper asked for; a merge is remembered, and an
ordered cart's removal retires the token it works from, so that neither
runs twice; and a taking back undoes an add that did run.
"""

import secrets
import time
from dataclasses import dataclass
from enum import IntEnum

from django.conf import settings
from redis.exceptions import TimeoutError as RedisTimeoutError

from session_state import keys, sessions
from session_state.connection import redis_client, wait_for_a_replica
from session_state.lua import LuaScript


class LineAnswer(IntEnum):
    """What a script that changes a line answers."""

    CHANGED = 0
    OVER_LINE_CAP = 1
    TOO_MANY_LINES = 2
    TOO_LATE = 3  # Redis started the add after its deadline: nothing changed
    NO_SESSION = 4  # the session that names the cart is gone: nothing changed
    ADDED_BEFORE = 5  # the add's Idempotency-Key made this same add before: nothing changed
    KEY_REUSED = 6  # the add's Idempotency-Key is bound to another request: nothing changed


_ADD = LuaScript(__file__, "add.lua", codes=LineAnswer)
_SET = LuaScript(__file__, "set.lua", codes=LineAnswer)
_COUNT_WITH_SESSION = LuaScript(__file__, "count_with_session.lua")
_LINES_WITH_SESSION = LuaScript(__file__, "lines_with_session.lua")
_CLAIM = LuaScript(__file__, "claim.lua")
_MERGE_INTO = LuaScript(__file__, "merge_into.lua")
_SETTLE = LuaScript(__file__, "settle.lua")
_CHECKOUT_TOKEN = LuaScript(__file__, "checkout_token.lua")
_REMOVE_UNITS = LuaScript(__file__, "remove_units.lua")


class ChangeTooLate(RedisTimeoutError):
    """Redis reached a change only after its deadline, and refused it: a timeout all the same."""


@dataclass(frozen=True)
class CartRef:
    """Which cart: its owner's tag (session_state.keys), and how long it lives after its last change."""

    tag: str
    ttl: int

    @property
    def key(self) -> str:
        return keys.cart(self.tag)

    @property
    def checkout_token_key(self) -> str:
        return keys.checkout_token(self.tag)

    def add_line(self, *, product_id: int, quantity: int, line_cap: int, max_lines: int) -> tuple[int, int]:
        return add(
            cart=self, product_id=product_id, quantity=quantity, line_cap=line_cap, max_lines=max_lines
        )


def user_cart(tag: str) -> CartRef:
    """A logged-in user's cart: it follows them to every device, and outlives logout."""
    return CartRef(tag=tag, ttl=settings.CART_USER_TTL)


def visitor_cart(tag: str) -> CartRef:
    """An anonymous visitor's cart: it lives as long as their session (session_state renews both)."""
    return CartRef(tag=tag, ttl=settings.SESSION_COOKIE_AGE)


def cart_of(owner: sessions.Owner) -> CartRef:
    return user_cart(owner.tag) if owner.is_user else visitor_cart(owner.tag)


def _redis():
    return redis_client()


def _deadline() -> int:
    """When an add sent now must have started, in Redis's terms: milliseconds since the epoch."""
    return int((time.time() + settings.REDIS_CHANGE_DEADLINE) * 1000)


def _in_time(status: int) -> None:
    # A refusal is a timeout like any other (a 503), not an answer about the
    # line such as OVER_LINE_CAP, which the form would show the shopper.
    if status == LineAnswer.TOO_LATE:
        raise ChangeTooLate("Redis ran an add after its deadline, and so left the cart as it was")


def _new_id() -> str:
    """An add's or a merge's id: random, and unique among the owner's for as long as it is kept."""
    return secrets.token_urlsafe(12)


def add(
    *,
    cart: CartRef,
    product_id: int,
    quantity: int,
    line_cap: int,
    max_lines: int,
    add_id: str | None = None,
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> tuple[int, int]:
    """
    Add units to a line. Returns (CHANGED or why not, the line's quantity now).
    add_id names this add (made here unless given): the same add sent again
    is counted once. With an idempotency_key (a client's), once per key for
    settings.IDEMPOTENCY_KEY_LIFETIME: the add binds the key to fingerprint
    (its request's); the same fingerprint again is ADDED_BEFORE, another
    KEY_REUSED, and neither changes anything.
    """
    add_id = add_id or _new_id()
    own_keys = [cart.key, keys.cart_add(cart.tag, add_id)]
    args = [product_id, quantity, line_cap, max_lines, cart.ttl, _deadline()]
    if idempotency_key is not None:
        own_keys.append(keys.idempotency_key(cart.tag, idempotency_key))
        args += [fingerprint, settings.IDEMPOTENCY_KEY_LIFETIME]
    _stored, _record, status, now = _ADD(client=_redis(), keys=own_keys, args=args)
    _in_time(status)
    return status, now


def add_with_session(
    *,
    session,
    cart: CartRef,
    product_id: int,
    quantity: int,
    line_cap: int,
    max_lines: int,
    add_id: str | None = None,
) -> tuple[int, int]:
    """
    add(), made only if the session exists, in the same round trip as reading
    it (the session store adopts it). NO_SESSION when it does not: nothing changed.
    """
    add_id = add_id or _new_id()
    status, now = sessions.read_along(
        session,
        script=_ADD,
        its_keys=[cart.key, keys.cart_add(cart.tag, add_id)],
        args=[product_id, quantity, line_cap, max_lines, cart.ttl, _deadline()],
    )
    _in_time(status)
    return status, now


def count_with_session(*, session, cart: CartRef) -> int:
    """The units in the cart, in the same round trip as reading the session (the store adopts it)."""
    (units,) = sessions.read_along(session, script=_COUNT_WITH_SESSION, its_keys=[cart.key], args=[])
    return units


def contents_with_session(*, session, cart: CartRef) -> dict[int, int]:
    """
    The cart's lines, product id -> quantity, in the same round trip as
    reading the session (the store adopts it): for a page that shows them.
    """
    (pairs,) = sessions.read_along(session, script=_LINES_WITH_SESSION, its_keys=[cart.key], args=[])
    return _lines(pairs)


def set_quantity(
    *, cart: CartRef, product_id: int, quantity: int, line_cap: int, max_lines: int
) -> tuple[int, int]:
    """Set a line's quantity. Returns (CHANGED or why not, the line's quantity now)."""
    status, now = _SET(
        client=_redis(), keys=[cart.key], args=[product_id, quantity, line_cap, max_lines, cart.ttl]
    )
    return status, now


def take_back(*, cart: CartRef, units: dict[int, int]) -> None:
    """Take units out of a cart again (a line left with none goes)."""
    _REMOVE_UNITS(client=_redis(), keys=[cart.key], args=_pairs(units))


def remove(*, cart: CartRef, product_id: int) -> None:
    _redis().hdel(cart.key, product_id)


def clear(*, cart: CartRef) -> None:
    _redis().delete(cart.key)


@dataclass(frozen=True)
class Claim:
    """A visitor's cart lines claimed for a user by one merge (its id), until the merge settles."""

    merge_id: str
    lines: dict[int, int]


def merge(*, source: CartRef, target: CartRef, line_cap: int, max_lines: int) -> dict[int, int]:
    """
    Move every line of source into target, capped; returns the units added per product.

    The two carts have different owners' tags, so different Redis Cluster
    slots: no one script may touch both. So a merge takes three steps, each
    one script in one slot: claim (source's lines move aside under a merge
    id, claimed for target's owner), apply (the lines are added to target
    once per merge id) and settle (the claimed lines are dropped). A
    failure between any two leaves a state the next merge for the same
    user finishes, without losing a line or adding one twice: claimed lines
    are claimed again under the same id, and an applied id is not applied
    again. A second user gets nothing of a cart claimed for another.
    (Which merge runs again: a racing login's, already under way. A login
    that failed has retired the visitor's id, and Django sets no cookie on
    a 5xx answer: the lines stay claimed, for nobody else, until they
    expire; cart.receivers.)
    """
    claim = claim_for_merge(source=source, target=target)
    if claim is None:
        return {}
    added = apply_merge(claim=claim, target=target, line_cap=line_cap, max_lines=max_lines)
    # Settled only once a replica has the user's cart with the lines: a
    # failover that lost them would otherwise lose the claimed copy too.
    if wait_for_a_replica(key=target.key):
        settle_merge(claim=claim, source=source, target=target)
    return added


def claim_for_merge(*, source: CartRef, target: CartRef) -> Claim | None:
    """Step 1: source's lines, claimed for target's owner (the same claim again for a retry); None for none."""
    answer = _CLAIM(
        client=_redis(),
        keys=[source.key, keys.cart_claim(source.tag), keys.cart_merging(source.tag)],
        args=[target.tag, settings.SESSION_COOKIE_AGE, _new_id()],
    )
    if not answer:
        return None
    merge_id, pairs = answer[0], answer[1:]
    merge_id = merge_id.decode() if isinstance(merge_id, bytes) else merge_id
    return Claim(merge_id=merge_id, lines=_lines(pairs))


def apply_merge(*, claim: Claim, target: CartRef, line_cap: int, max_lines: int) -> dict[int, int]:
    """Step 2: the claimed lines added to target, once per merge id; returns what was added."""
    added = _MERGE_INTO(
        client=_redis(),
        keys=[target.key, keys.merged_carts(target.tag)],
        args=[
            claim.merge_id,
            line_cap,
            max_lines,
            target.ttl,
            settings.SESSION_COOKIE_AGE,
            *_pairs(claim.lines),
        ],
    )
    return {int(added[i]): int(added[i + 1]) for i in range(0, len(added), 2)}


def settle_merge(*, claim: Claim, source: CartRef, target: CartRef) -> None:
    """Step 3: the claimed lines dropped, if the claim is still this merge's."""
    _SETTLE(
        client=_redis(),
        keys=[keys.cart_merging(source.tag), keys.cart_claim(source.tag)],
        args=[target.tag, claim.merge_id],
    )


def contents(*, cart: CartRef) -> dict[int, int]:
    """Product id -> quantity, in one read."""
    return {int(product): int(quantity) for product, quantity in _redis().hgetall(cart.key).items()}


def unit_count(*, cart: CartRef) -> int:
    return sum(int(quantity) for quantity in _redis().hvals(cart.key))


def checkout_token(*, cart: CartRef, new_token: str) -> str:
    """The cart's current checkout token, made from new_token if it has none."""
    token = _CHECKOUT_TOKEN(client=_redis(), keys=[cart.checkout_token_key], args=[new_token, cart.ttl])
    return token.decode() if isinstance(token, bytes) else token


def current_checkout_token(*, cart: CartRef) -> str | None:
    token = _redis().get(cart.checkout_token_key)
    return None if token is None else token.decode()


def remove_ordered(*, cart: CartRef, ordered: dict[int, int]) -> None:
    """Take what an order consumed out of the cart, and retire its checkout token."""
    _REMOVE_UNITS(client=_redis(), keys=[cart.key, cart.checkout_token_key], args=_pairs(ordered))


def _lines(pairs: list) -> dict[int, int]:
    """Product id -> quantity from a flat list of pairs, as HGETALL answers a cart inside a script."""
    return {int(pairs[i]): int(pairs[i + 1]) for i in range(0, len(pairs), 2)}


def _pairs(units: dict[int, int]) -> list[int]:
    return [value for product_id, count in units.items() for value in (product_id, count)]
