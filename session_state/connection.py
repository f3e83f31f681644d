"""The Redis of sessions and of everything they name."""

from django.conf import settings
from django_redis import get_redis_connection


def redis_client():
    """
    The Redis of the SESSION_REDIS_ALIAS cache: sessions, users' indexes of
    sessions, and carts, which scripts read together with their session.
    """
    return get_redis_connection(settings.SESSION_REDIS_ALIAS)
