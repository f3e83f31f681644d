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

# Access tokens' signing key, for the tests alone.
API_SIGNING_KEYS = [("test-1", "test-only-api-signing-key-0123456789abcdef-0123456789abcdef-0123456789")]

# The session lab, as on the local stack (its recorder is installed only where it is on).
SESSION_LAB = True
