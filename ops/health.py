"""Whether the services the shop depends on answer, for /healthz."""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django_redis import get_redis_connection

from .redis_cluster import REDIS_FAILURES, primaries

logger = logging.getLogger(__name__)


def check_dependencies() -> dict[str, str]:
    """Map each dependency ("redis", "database") to "ok", or to what is wrong with it now."""
    return {"redis": _redis_status(), "database": "ok" if _database_answers() else "down"}


def redis_aliases() -> list[str]:
    """The cache aliases that are Redis (django-redis)."""
    return [alias for alias, cache in settings.CACHES.items() if cache["BACKEND"].startswith("django_redis.")]


def _redis_status() -> str:
    """
    "ok", "down", or "clock off by N s". The deadlines of adds to carts
    compare Redis's clock with ours (settings.REDIS_CHANGE_DEADLINE): a
    clock off by the whole deadline would refuse every add, or let one run
    after the worker gave up on it; half of it is already too close.
    """
    try:
        # Every primary of a cluster: one that is down fails the requests
        # whose keys it holds, which is a third of the shoppers, not none.
        for client in (
            primary for alias in redis_aliases() for primary in primaries(get_redis_connection(alias))
        ):
            client.ping()  # connected first, so that the clock is read in one short round trip
            before = time.time()
            seconds, microseconds = client.time()
            after = time.time()
            off = seconds + microseconds / 1e6 - (before + after) / 2
            # Redis read its clock somewhere within the round trip.
            if abs(off) - (after - before) / 2 > settings.REDIS_CHANGE_DEADLINE / 2:
                logger.warning("Health check: Redis's clock is %+.3f s off this server's", off)
                return f"clock off by {off:+.2f} s"
    except REDIS_FAILURES as exc:
        logger.warning("Health check: Redis does not answer: %s", exc)
        return "down"
    return "ok"


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("Health check: the database does not answer: %s", exc)
        return False
    return True
