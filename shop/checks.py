"""
System checks (`manage.py check`, and the stack's set-up) for the Redis the
shop is given: sessions and carts together on it, and nothing evicted.

Every key the shop writes carries a TTL, sessions included, so under memory
pressure any eviction policy but "noeviction" may evict somebody's session:
allkeys-* picks from all keys, volatile-* from exactly the keys with a TTL.
With noeviction a full Redis refuses writes instead, which the shop answers
with its 503 page, and nobody is silently logged out.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from .health import redis_aliases

REDIS_TAG = "redis"


@register(REDIS_TAG, Tags.caches)
def check_redis_eviction_policy(app_configs=None, **kwargs):
    warnings = []
    for alias in redis_aliases():
        try:
            policy = get_redis_connection(alias).info("memory").get("maxmemory_policy")
        except RedisError:
            continue  # /healthz and the 503 page speak for a Redis that is down
        if policy != "noeviction":
            warnings.append(
                Warning(
                    f"The Redis of the {alias!r} cache evicts keys when full (maxmemory-policy {policy}).",
                    hint="Sessions and carts can vanish under memory pressure. Set maxmemory-policy noeviction.",
                    obj=alias,
                    id="shop.W001",
                )
            )
    return warnings


SESSIONS_SERIALIZER = "django_redis.serializers.json.JSONSerializer"


@register(REDIS_TAG, Tags.caches)
def check_sessions_and_carts_share_redis(app_configs=None, **kwargs):
    """
    One Lua script reads a session and works on the cart it names
    (cart.storage): sessions and carts must live on the same Redis, and
    sessions be stored as plain JSON, which the script decodes (cjson).
    """
    if settings.SESSION_ENGINE != "accounts.sessions":
        return []
    sessions = settings.CACHES.get(settings.SESSION_CACHE_ALIAS, {})
    options = sessions.get("OPTIONS", {})
    errors = []
    if sessions.get("LOCATION") != settings.CACHES["default"].get("LOCATION"):
        errors.append(
            Error(
                f"The {settings.SESSION_CACHE_ALIAS!r} cache (sessions) and the 'default' cache (carts) are on different Redis servers.",
                hint="Give both the same LOCATION: one script reads a session and its cart together.",
                obj=settings.SESSION_CACHE_ALIAS,
                id="shop.E002",
            )
        )
    if options.get("SERIALIZER") != SESSIONS_SERIALIZER or "COMPRESSOR" in options:
        errors.append(
            Error(
                f"The {settings.SESSION_CACHE_ALIAS!r} cache must store sessions as plain JSON.",
                hint=f"Set its SERIALIZER to {SESSIONS_SERIALIZER} and give it no COMPRESSOR: a Lua script reads them.",
                obj=settings.SESSION_CACHE_ALIAS,
                id="shop.E003",
            )
        )
    return errors
