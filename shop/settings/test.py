"""Settings for the unit and integration tests (pytest-django)."""

from .base import *

SECRET_KEY = "test-only-not-a-secret"

# The Django test client speaks to the app directly, without nginx.
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Hashing is slow on purpose; tests that are about hashing switch bcrypt back
# on (tests/accounts/test_passwords.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite starts its own redis-server on a free port and points the caches
# at it (tests/conftest.py); nothing here may reach a Redis the user runs.

# Access tokens' signing key, for the tests alone: an EC P-256 private key
# (base64url of its PKCS#8 DER), made once for the suite and worth nothing
# anywhere else.
_TEST_SIGNING_KEY = (
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBa6z3bRUOHrtHtalepzK8ADj426y4ZVdYroxXKKbVJ-hRANCAAQP"
    "Y3Hm0bCVC7yiQfim83Ip6Zqv533vT8OD5ym9Mz57LPAJdYtj4EXkAYkWEE82Fvr0sctzOIDmfOoVytDHtAPO"
)
API_SIGNING_KEYS = [("test-1", _TEST_SIGNING_KEY)]

# The session lab, as on the local stack (its recorder is installed only where it is on).
SESSION_LAB = True

# Which worker answered, as on the local stack (tests/ops/test_served_by.py
# switches it off, as production has it).
SHOW_WORKER = True

# Far above what any test sends, per hour; the tests of the rate limit set
# their own (tests/api/test_rate_limits.py).
API_RATE_LIMIT = "10000/h"
