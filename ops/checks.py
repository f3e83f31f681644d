"""
System checks (`manage.py check`, and the stack's set-up) for the Redis the
shop is given: nothing evicted.

Every key the shop writes carries a TTL, sessions included, so under memory
pressure any eviction policy but "noeviction" may evict somebody's session:
allkeys-* picks from all keys, volatile-* from exactly the keys with a TTL.
With noeviction a full Redis refuses writes instead, which the shop answers
with its 503 page, and nobody is silently logged out.
"""

from django.core.checks import Tags, Warning, register
from django_redis import get_redis_connection

from .health import redis_aliases
from .redis_cluster import REDIS_FAILURES, primaries

REDIS_TAG = "redis"


@register(REDIS_TAG, Tags.caches)
def check_redis_eviction_policy(app_configs=None, **kwargs):
    warnings = []
    for alias in redis_aliases():
        try:
            # Every primary of a cluster: each holds somebody's sessions.
            policies = {
                primary.info("memory").get("maxmemory_policy")
                for primary in primaries(get_redis_connection(alias))
            }
        except REDIS_FAILURES:
            continue  # /healthz and the 503 page speak for a Redis that is down
        for policy in sorted(policies - {"noeviction"}):
            warnings.append(
                Warning(
                    f"The Redis of the {alias!r} cache evicts keys when full (maxmemory-policy {policy}).",
                    hint="Sessions and carts can vanish under memory pressure. Set maxmemory-policy noeviction.",
                    obj=alias,
                    id="ops.W001",
                )
            )
    return warnings
