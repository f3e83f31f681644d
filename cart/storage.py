"""
Where carts live: one Redis hash per cart, product id -> quantity.

Every change is a single Redis command or a short Lua script, so two
requests of one visitor that run at once on two workers both count, and a
check that must go with a change (a line's cap, the number of lines) is
made in the same atomic step. Nothing here reads the whole cart, changes it
in Python and writes it back: that is how carts lose updates.

Redis errors are let through: the middleware answers 503 and nothing is
changed half-way.
"""

from dataclasses import dataclass

from django_redis import get_redis_connection

from shop.lua import run_script

# Answers of the scripts that change a line.
CHANGED = 0
OVER_LINE_CAP = 1
TOO_MANY_LINES = 2

_ADD = """
-- KEYS[1] cart; ARGV: product id, quantity to add, line cap, max lines, ttl
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
  return {2, current}
end
local wanted = current + tonumber(ARGV[2])
if wanted > tonumber(ARGV[3]) then
  return {1, current}
end
redis.call('HSET', KEYS[1], ARGV[1], wanted)
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {0, wanted}
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

_REMOVE_ORDERED = """
-- KEYS[1] cart, KEYS[2] its checkout token; ARGV: product id, units, ...
-- Takes away what was ordered, not the whole cart: a line added in another
-- tab while the order was being placed stays.
for i = 1, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1])) <= 0 then
    redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
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


def add(*, cart: CartRef, product_id: int, quantity: int, line_cap: int, max_lines: int) -> tuple[int, int]:
    """Add units to a line. Returns (CHANGED or why not, the line's quantity now)."""
    status, now = _run(_ADD, [cart.key], [product_id, quantity, line_cap, max_lines, cart.ttl])
    return status, now


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
