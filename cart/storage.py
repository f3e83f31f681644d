"""
Where carts live: one Redis hash per cart, product id -> quantity.

Every change is a single Redis command or a short Lua script, so two
requests of one visitor that run at once on two workers both count, and a
check that must go with a change (a line's cap, the number of lines) is
made in the same atomic step. Nothing here reads the whole cart, changes it
in Python and writes it back: that is how carts lose updates.

Redis errors are let through: the middleware answers 503 and nothing is
changed half-way.

An add carries a deadline. When Redis stalls, the command a worker sent
waits in Redis's socket, and Redis runs it as soon as it wakes, long after
the worker gave up and answered 503: the shopper, told the add failed, adds
again and has the units twice. So an add that Redis starts after its
deadline changes nothing (see settings.REDIS_CHANGE_DEADLINE). The other
changes are right even when they run late: setting a quantity, removing and
clearing give what the shopper asked for; a merge and an ordered cart's
removal delete what they work from, so that they cannot run twice; and a
taking back undoes an add that did run.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django_redis import get_redis_connection
from redis.exceptions import TimeoutError as RedisTimeoutError

from shop.lua import run_script

# Answers of the scripts that change a line.
CHANGED = 0
OVER_LINE_CAP = 1
TOO_MANY_LINES = 2
TOO_LATE = 3


class ChangeTooLate(RedisTimeoutError):
    """Redis reached a change only after its deadline, and refused it: a timeout all the same."""


_ADD_LINE = """
-- deadline: milliseconds since the epoch, by the worker's clock; Redis
-- compares its own, so the clocks must agree (NTP; /healthz checks).
local function add_line(cart, product, quantity, line_cap, max_lines, ttl, deadline)
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + tonumber(now[2]) / 1000 > tonumber(deadline) then
    return {3, 0}
  end
  local current = tonumber(redis.call('HGET', cart, product) or '0')
  if current == 0 and redis.call('HLEN', cart) >= tonumber(max_lines) then
    return {2, current}
  end
  local wanted = current + tonumber(quantity)
  if wanted > tonumber(line_cap) then
    return {1, current}
  end
  redis.call('HSET', cart, product, wanted)
  redis.call('EXPIRE', cart, ttl)
  return {0, wanted}
end
"""

_ADD = _ADD_LINE + """
-- KEYS[1] cart; ARGV: product id, quantity to add, line cap, max lines, ttl, deadline
return add_line(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
"""

# The cart a session names, found by the script from the session's own data,
# so that a request reads its session and works on its cart in one round
# trip to Redis (cart.identity.SessionCart). Redis advises scripts to take
# every key they touch in KEYS, for Redis Cluster's sake; the cart's key is
# in the session, so it cannot. That is sound on one primary, which is how
# this shop runs (with Sentinel for failover), as long as sessions and carts
# share that Redis (checks shop.E002 and shop.E003).
_FIND_SESSION_CART = """
-- KEYS[1] a session; ARGV[1] the session's user id field, ARGV[2] the user
-- cart's key prefix, ARGV[3] its ttl; ARGV[4] the anonymous cart id field,
-- ARGV[5] the anonymous cart's key prefix, ARGV[6] its ttl; ARGV[7] the
-- login time field, ARGV[8] the earliest login time still within the
-- absolute timeout (a session logged in before names no cart)
local stored = redis.call('GET', KEYS[1])
local cart, ttl = false, false
if stored then
  local session = cjson.decode(stored)
  local login_at = session[ARGV[7]]
  if type(login_at) == 'number' and login_at <= tonumber(ARGV[8]) then
    -- past its absolute timeout: the session store will refuse it
  elseif type(session[ARGV[1]]) == 'string' then
    cart, ttl = ARGV[2] .. session[ARGV[1]], ARGV[3]
  elseif type(session[ARGV[4]]) == 'string' then
    cart, ttl = ARGV[5] .. session[ARGV[4]], ARGV[6]
  end
end
"""

_READ_WITH_SESSION = _FIND_SESSION_CART + """
-- Returns the session, its cart and the units in it.
local units = 0
if cart then
  for _, quantity in ipairs(redis.call('HVALS', cart)) do
    units = units + tonumber(quantity)
  end
end
return {stored, cart, ttl, units}
"""

_ADD_WITH_SESSION = _FIND_SESSION_CART + _ADD_LINE + """
-- ARGV[9..13]: product id, quantity to add, line cap, max lines, deadline.
-- Returns the session, its cart, and what add_line answered (false, false
-- when the session names no cart).
if not cart then
  return {stored, false, false, false, false}
end
local answer = add_line(cart, ARGV[9], ARGV[10], ARGV[11], ARGV[12], ttl, ARGV[13])
return {stored, cart, ttl, answer[1], answer[2]}
"""

_SET = """
-- KEYS[1] cart; ARGV: product id, new quantity, line cap, max lines, ttl
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
  return {2, current}
end
if tonumber(ARGV[2]) > tonumber(ARGV[3]) then
  return {1, current}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {0, tonumber(ARGV[2])}
"""

_MERGE = """
-- KEYS[1] source cart (emptied), KEYS[2] target cart; ARGV: line cap, max lines, ttl
-- Returns what was added: product id, units, product id, units, ...
-- Deleting the source in the same step is what makes a second, racing
-- merge of the same cart find nothing to add.
local source = redis.call('HGETALL', KEYS[1])
local added = {}
for i = 1, #source, 2 do
  local product, units = source[i], tonumber(source[i + 1])
  local current = tonumber(redis.call('HGET', KEYS[2], product) or '0')
  if current > 0 or redis.call('HLEN', KEYS[2]) < tonumber(ARGV[2]) then
    local merged = math.min(current + units, tonumber(ARGV[1]))
    if merged > current then
      redis.call('HSET', KEYS[2], product, merged)
      table.insert(added, product)
      table.insert(added, merged - current)
    end
  end
end
redis.call('DEL', KEYS[1])
if #added > 0 then
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return added
"""

_CHECKOUT_TOKEN = """
-- KEYS[1] the cart's checkout token; ARGV: a new token, ttl
local token = redis.call('GET', KEYS[1])
if token then
  return token
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]
"""

_REMOVE_UNITS = """
-- KEYS[1] cart; ARGV: product id, units, product id, units, ...
for i = 1, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1])) <= 0 then
    redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
"""

_REMOVE_ORDERED = _REMOVE_UNITS + """
-- KEYS[2] the cart's checkout token, retired with the order.
-- Takes away what was ordered, not the whole cart: a line added in another
-- tab while the order was being placed stays.
redis.call('DEL', KEYS[2])
return 1
"""


@dataclass(frozen=True)
class CartRef:
    """Which cart: its Redis key, and how long it lives after its last change."""

    key: str
    ttl: int

    @property
    def checkout_token_key(self) -> str:
        return f"{self.key}:checkout"


def _redis():
    return get_redis_connection("default")


def _run(source: str, keys: list[str], args: list) -> list:
    return run_script(alias="default", source=source, keys=keys, args=args)


def _deadline() -> int:
    """When an add sent now must have started, in Redis's terms: milliseconds since the epoch."""
    return int((time.time() + settings.REDIS_CHANGE_DEADLINE) * 1000)


def _in_time(status: int | None) -> None:
    # A refusal is a timeout like any other (a 503), not an answer about the
    # line such as OVER_LINE_CAP, which the form would show the shopper.
    if status == TOO_LATE:
        raise ChangeTooLate("Redis ran an add after its deadline, and so left the cart as it was")


def add(*, cart: CartRef, product_id: int, quantity: int, line_cap: int, max_lines: int) -> tuple[int, int]:
    """Add units to a line. Returns (CHANGED or why not, the line's quantity now)."""
    status, now = _run(_ADD, [cart.key], [product_id, quantity, line_cap, max_lines, cart.ttl, _deadline()])
    _in_time(status)
    return status, now


def read_with_session(*, session_key: str, lookup: list) -> tuple[bytes | None, CartRef | None, int]:
    """
    A session as stored, the cart it names (lookup: cart.identity.session_cart_lookup())
    and the units in that cart, in one round trip.
    """
    stored, cart, ttl, units = _run(_READ_WITH_SESSION, [session_key], lookup)
    return stored, _found(cart, ttl), units


def add_with_session(
    *, session_key: str, lookup: list, product_id: int, quantity: int, line_cap: int, max_lines: int
) -> tuple[bytes | None, CartRef | None, int | None, int | None]:
    """
    Add units to a line of the cart a session names, in one round trip.

    Returns the session as stored, the cart it names, and what add() would
    return for it (None, None when the session names no cart: nothing changed).
    """
    args = [*lookup, product_id, quantity, line_cap, max_lines, _deadline()]
    stored, cart, ttl, status, now = _run(_ADD_WITH_SESSION, [session_key], args)
    _in_time(status)
    return stored, _found(cart, ttl), status, now


def take_back(*, cart: CartRef, units: dict[int, int]) -> None:
    """Take units out of a cart again (a line left with none goes)."""
    _run(_REMOVE_UNITS, [cart.key], [value for product_id, count in units.items() for value in (product_id, count)])


def _found(key: bytes | None, ttl: bytes | None) -> CartRef | None:
    return None if key is None else CartRef(key=key.decode(), ttl=int(ttl))


def set_quantity(*, cart: CartRef, product_id: int, quantity: int, line_cap: int, max_lines: int) -> tuple[int, int]:
    """Set a line's quantity. Returns (CHANGED or why not, the line's quantity now)."""
    status, now = _run(_SET, [cart.key], [product_id, quantity, line_cap, max_lines, cart.ttl])
    return status, now


def remove(*, cart: CartRef, product_id: int) -> None:
    _redis().hdel(cart.key, product_id)


def clear(*, cart: CartRef) -> None:
    _redis().delete(cart.key)


def merge(*, source: CartRef, target: CartRef, line_cap: int, max_lines: int) -> dict[int, int]:
    """Move every line of source into target, capped; returns the units added per product."""
    added = _run(_MERGE, [source.key, target.key], [line_cap, max_lines, target.ttl])
    return {int(added[i]): int(added[i + 1]) for i in range(0, len(added), 2)}


def contents(*, cart: CartRef) -> dict[int, int]:
    """Product id -> quantity, in one read."""
    return {int(product): int(quantity) for product, quantity in _redis().hgetall(cart.key).items()}


def unit_count(*, cart: CartRef) -> int:
    return sum(int(quantity) for quantity in _redis().hvals(cart.key))


def checkout_token(*, cart: CartRef, new_token: str) -> str:
    """The cart's current checkout token, made from new_token if it has none."""
    token = _run(_CHECKOUT_TOKEN, [cart.checkout_token_key], [new_token, cart.ttl])
    return token.decode() if isinstance(token, bytes) else token


def remove_ordered(*, cart: CartRef, ordered: dict[int, int]) -> None:
    """Take what an order consumed out of the cart, and retire its checkout token."""
    args = [value for product_id, units in ordered.items() for value in (product_id, units)]
    _run(_REMOVE_ORDERED, [cart.key, cart.checkout_token_key], args)


def refresh_lifetime(*, cart: CartRef) -> None:
    _redis().expire(cart.key, cart.ttl)
