"""
The settings the demos run with (shop.settings.comparison), with the mistake of session fixation: a
session keeps its id at login (make demo-fixation's broken stack only).
"""

from shop.settings.comparison import *

SESSION_ENGINE = "bench.demos.broken.keeps_session_id"
# Django's cache engine reads its sessions from this alias (the sessions'
# Redis, JSON), which shop.settings.comparison defines.
SESSION_CACHE_ALIAS = "django-sessions"
