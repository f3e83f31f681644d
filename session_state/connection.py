"""The Redis of sessions and of everything they name, and how a session is written there."""

import json
import logging

from django.conf import settings
from django_redis import get_redis_connection

logger = logging.getLogger(__name__)


def redis_client():
    """
    The Redis of the SESSION_REDIS_ALIAS cache: sessions, users' indexes of
    sessions, and carts, which scripts read together with their session.
    """
    return get_redis_connection(settings.SESSION_REDIS_ALIAS)


def encode(data: dict) -> str:
    """A session's data as stored: plain JSON, never pickle (unpickling what Redis returns runs code)."""
    return json.dumps(data, separators=(",", ":"))


def decode(stored: bytes | None) -> dict | None:
    """A session's data from what Redis returned; None for none, or for anything that is not ours."""
    if stored is None:
        return None
    try:
        data = json.loads(stored)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        logger.warning("A session in Redis is not a JSON object; treated as no session.")
        return None
    return data
