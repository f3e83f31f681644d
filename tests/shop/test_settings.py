"""The settings that the shop's guarantees rest on, as the stack runs them."""

from shop.settings import base


def test_sessions_use_the_shops_engine_on_a_redis_alias_that_is_not_the_default():
    from django.conf import settings

    assert settings.SESSION_ENGINE == "session_state.store"
    assert settings.SESSION_REDIS_ALIAS != "default"
    assert settings.CACHES[settings.SESSION_REDIS_ALIAS]["BACKEND"] == "django_redis.cache.RedisCache"


def test_bcrypt_hashes_new_passwords():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"


def test_the_session_cookie_is_host_only_secure_httponly_and_lax():
    assert base.SESSION_COOKIE_NAME.startswith("__Host-")
    assert base.SESSION_COOKIE_NAME != "__Host-sessionid"
    assert base.SESSION_COOKIE_SECURE is True
    assert base.SESSION_COOKIE_HTTPONLY is True
    assert base.SESSION_COOKIE_SAMESITE == "Lax"
    assert base.SESSION_COOKIE_PATH == "/"
    assert base.SESSION_COOKIE_DOMAIN is None


def test_the_csrf_cookie_is_secure():
    assert base.CSRF_COOKIE_SECURE is True
    assert base.CSRF_COOKIE_NAME.startswith("__Host-")


def test_the_rate_limit_reads_the_address_nginx_sets_not_x_forwarded_for():
    assert base.RATELIMIT_IP_META_KEY == "HTTP_X_REAL_IP"


def test_the_idle_timeout_is_an_hour_by_default():
    assert base.SESSION_COOKIE_AGE == 3600


def test_debug_is_off():
    assert base.DEBUG is False


def test_the_session_cookie_outlives_the_idle_timeout_so_an_expired_visit_can_be_told():
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_only_way_to_log_in_is_the_shops_own_password_check():
    # No OAuth tokens, no federated identity provider: ASVS 3.5.1 and 3.6.x do not apply.
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS == ["django.contrib.auth.backends.ModelBackend"]
    assert not [app for app in settings.INSTALLED_APPS if "oauth" in app or "social" in app or "saml" in app]
