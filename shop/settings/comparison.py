"""
The running stack with another session engine than the shop's, only to
measure it against ours (`make bench`) and to show what goes wrong with
sessions in each worker's memory (`make demo-memory-sessions`,
`make demo-deploy`). SESSION_BACKEND names it.

The list of one's sessions, the sliding idle timeout, the "your session
expired" message and the one-round-trip pages are the shop's engine's
alone; the shop runs on these without them.
"""

import os

from .production import *
from .production import CACHES, MIDDLEWARE

# Every response says how many database queries it made (X-DB-Queries), for
# the benchmark to count per request: first, so that it counts them all.
MIDDLEWARE = ["ops.middleware.QueryCountMiddleware", *MIDDLEWARE]

SESSION_BACKEND = os.environ.get("SESSION_BACKEND", "redis")
SESSION_ENGINE = {
    "redis": "session_state.store",
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
    # Django's cache backend on each worker's own memory: the failure story.
    "memory": "django.contrib.sessions.backends.cache",
}[SESSION_BACKEND]
# Django's cache-based engines hand the session dict to the cache: on the
# sessions' Redis, as JSON, never pickle (unpickling what Redis returns
# would run code for anyone who can write to it). The shop's own engine
# writes its JSON itself and reads no SESSION_CACHE_ALIAS.
CACHES = {
    **CACHES,
    "django-sessions": {
        **CACHES["sessions"],
        "OPTIONS": {
            **CACHES["sessions"]["OPTIONS"],
            "SERIALIZER": "django_redis.serializers.json.JSONSerializer",
        },
    },
}
SESSION_CACHE_ALIAS = "django-sessions"
if SESSION_BACKEND == "memory":
    CACHES["memory"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    SESSION_CACHE_ALIAS = "memory"
