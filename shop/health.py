"""Whether the services the shop depends on answer, for /healthz."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django_redis import get_redis_connection
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def check_dependencies() -> dict[str, bool]:
    """Map each dependency ("redis", "database") to whether it answers now."""
    return {"redis": _redis_answers(), "database": _database_answers()}


def redis_aliases() -> list[str]:
    """The cache aliases that are Redis (django-redis)."""
    return [alias for alias, cache in settings.CACHES.items() if cache["BACKEND"].startswith("django_redis.")]


def _redis_answers() -> bool:
    try:
        for alias in redis_aliases():
            get_redis_connection(alias).ping()
    except RedisError as exc:
        logger.warning("Health check: Redis does not answer: %s", exc)
        return False
    return True


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("Health check: the database does not answer: %s", exc)
        return False
    return True
