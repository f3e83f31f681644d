"""
The settings that the shop's guarantees rest on, as the stack runs them.

Not the constants in shop.settings.base, which production.py or the
environment could override without a test noticing: the settings in effect
in a process started as the stack starts its workers (shop.settings.production,
in the environment deploy.stack gives them), and what they do there: the
cookies on a real response, the session it wrote to Redis, the hash of a
new password.
"""

import json
import os
import subprocess
import sys

import pytest

from deploy.stack import BASE_DIR, Stack
from tests.redis_cluster import cluster_wanted

PROBE = r"""
import json
from importlib import import_module

import django

django.setup()

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory
from django_redis import get_redis_connection

from session_state import keys
from session_state.middleware import SessionMiddleware


def resolve_or_none(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


def view(request):
    request.session["probe"] = "value"  # as adding to a cart does: a session of one's own
    get_token(request)  # as a page with a form does
    return HttpResponse()


request = RequestFactory().get("/", secure=True, HTTP_HOST="localhost")
response = SessionMiddleware(CsrfViewMiddleware(view))(request)
stored = get_redis_connection(settings.SESSION_REDIS_ALIAS)
redis_key = keys.session(request.session.session_key)
store = import_module(settings.SESSION_ENGINE).SessionStore
print(json.dumps({
    "session_store": f"{store.__module__}.{store.__qualname__}",
    "session_redis_alias": settings.SESSION_REDIS_ALIAS,
    "session_redis_backend": settings.CACHES[settings.SESSION_REDIS_ALIAS]["BACKEND"],
    "session_key": request.session.session_key,
    "stored_session": stored.get(redis_key).decode(errors="replace"),  # pickle is no UTF-8
    "stored_ttl": stored.ttl(redis_key),
    "cookies": {name: morsel.OutputString() for name, morsel in response.cookies.items()},
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    "new_password_hash": make_password("plum-orchard-77"),
    "client_ip_meta_key": settings.CLIENT_IP_META_KEY,
    "login_failures": {
        "per_username_and_address": settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS,
        "per_username": settings.LOGIN_FAILURES_PER_USERNAME,
        "per_address": settings.LOGIN_FAILURES_PER_IP,
        "window": settings.LOGIN_FAILURE_WINDOW,
    },
    "debug": settings.DEBUG,
    "authentication_backends": settings.AUTHENTICATION_BACKENDS,
    "installed_apps": settings.INSTALLED_APPS,
    "session_lab": settings.SESSION_LAB,
    "lab_url": resolve_or_none("/lab/") is not None,
    "middleware": settings.MIDDLEWARE,
    "api_rate_limit": settings.API_RATE_LIMIT,
    "rate_count_backend": settings.CACHES[settings.RATELIMIT_USE_CACHE]["BACKEND"],
    "show_worker": settings.SHOW_WORKER,
    "health_detail_addresses": sorted(settings.HEALTH_DETAIL_ADDRESSES),
}))
"""


@pytest.fixture(scope="module")
def as_the_stack_runs(tmp_path_factory, redis_server, redis_url):
    """What the probe above found in a process set up as the stack's workers are, on the suite's Redis (or cluster)."""
    cluster = (
        {"REDIS_CLUSTER_NODES": ",".join(redis_server.stack.cluster_addresses())} if cluster_wanted() else {}
    )
    stack = Stack(state_dir=tmp_path_factory.mktemp("settings-probe"), redis_url=redis_url, extra_env=cluster)
    environment = stack.app_environment()
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def cookie_attributes(set_cookie: str) -> dict[str, str]:
    """{"name": ..., "secure": "", "path": "/", ...} of one Set-Cookie value; attribute names in lower case."""
    name_value, *attributes = [part.strip() for part in set_cookie.split(";")]
    parsed = {"name": name_value.split("=", 1)[0]}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        parsed[key.lower()] = value
    return parsed


def session_cookie(facts) -> dict[str, str]:
    return next(
        cookie_attributes(cookie)
        for cookie in facts["cookies"].values()
        if cookie.split(";")[0].split("=", 1)[1] == facts["session_key"]
    )


def test_sessions_use_the_shops_engine_on_a_redis_alias_that_is_not_the_default(as_the_stack_runs):
    assert as_the_stack_runs["session_store"] == "session_state.store.SessionStore"
    assert as_the_stack_runs["session_redis_backend"] == "django_redis.cache.RedisCache"
    assert as_the_stack_runs["session_redis_alias"] != "default"


def test_sessions_are_stored_as_json_never_pickle(as_the_stack_runs):
    assert json.loads(as_the_stack_runs["stored_session"])["probe"] == "value"


def test_bcrypt_hashes_new_passwords(as_the_stack_runs):
    assert as_the_stack_runs["new_password_hash"].startswith("bcrypt_sha256$$2b$")


def test_the_session_cookie_is_host_only_secure_httponly_and_lax(as_the_stack_runs):
    cookie = session_cookie(as_the_stack_runs)

    assert cookie["name"].startswith("__Host-")
    assert cookie["name"] != "__Host-sessionid"
    assert {"secure", "httponly"} <= cookie.keys()
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert "domain" not in cookie


def test_the_csrf_cookie_is_secure(as_the_stack_runs):
    cookie = cookie_attributes(as_the_stack_runs["cookies"][as_the_stack_runs["csrf_cookie_name"]])

    assert cookie["name"].startswith("__Host-")
    assert "secure" in cookie


def test_the_rate_limit_reads_the_address_nginx_sets_not_x_forwarded_for(as_the_stack_runs):
    assert as_the_stack_runs["client_ip_meta_key"] == "HTTP_X_REAL_IP"


def test_password_checks_allow_5_failures_per_username_at_an_address_100_per_username_and_50_per_address(
    as_the_stack_runs,
):
    # 100 / 5: shutting a username's owner out from everywhere takes 20 addresses a window (docs/architecture.md).
    assert as_the_stack_runs["login_failures"] == {
        "per_username_and_address": 5,
        "per_username": 100,
        "per_address": 50,
        "window": 900,
    }


def test_the_idle_timeout_is_an_hour_by_default(as_the_stack_runs):
    assert 3590 <= as_the_stack_runs["stored_ttl"] <= 3600


def test_debug_is_off(as_the_stack_runs):
    assert as_the_stack_runs["debug"] is False


def test_the_session_cookie_outlives_the_idle_timeout_so_an_expired_visit_can_be_told(as_the_stack_runs):
    cookie = session_cookie(as_the_stack_runs)

    # A cookie that ends with the browser, not with the session in Redis.
    assert "max-age" not in cookie
    assert "expires" not in cookie


def test_the_only_way_to_log_in_is_the_shops_own_password_check(as_the_stack_runs):
    # No OAuth tokens, no federated identity provider: ASVS 3.5.1 and 3.6.x do not apply.
    apps = as_the_stack_runs["installed_apps"]

    assert as_the_stack_runs["authentication_backends"] == ["accounts.backends.ThrottledModelBackend"]
    assert not [app for app in apps if "oauth" in app or "social" in app or "saml" in app]


def test_the_session_lab_is_off_unless_switched_on(as_the_stack_runs):
    # The recorder stays in MIDDLEWARE and steps aside (MiddlewareNotUsed) where the lab is off.
    assert as_the_stack_runs["session_lab"] is False
    assert as_the_stack_runs["lab_url"] is False


def test_the_local_stack_names_the_worker_that_answered(as_the_stack_runs):
    assert as_the_stack_runs["show_worker"] is True


def test_production_settings_name_no_worker_unless_switched_on(tmp_path):
    environment = Stack(state_dir=tmp_path, redis_url="redis://127.0.0.1:1/0").app_environment()
    del environment["SHOW_WORKER"]  # as docker-compose.yml runs them
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.SHOW_WORKER)"],
        env=environment, cwd=BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_only_the_stacks_own_address_reads_the_health_checks_detail(as_the_stack_runs):
    assert as_the_stack_runs["health_detail_addresses"] == ["127.0.0.1", "::1"]


def test_a_stacks_api_rate_limit_is_beyond_what_its_tests_its_fuzzer_and_the_benchmark_send(
    as_the_stack_runs,
):
    count, period = as_the_stack_runs["api_rate_limit"].split("/")

    assert (period, int(count) >= 1_000_000) == ("m", True)


def test_the_api_rate_counts_live_in_redis(as_the_stack_runs):
    assert as_the_stack_runs["rate_count_backend"] == "django_redis.cache.RedisCache"


def test_a_malformed_api_rate_limit_stops_the_shop_from_starting():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings.test", "API_RATE_LIMIT": "600 a minute"},
        cwd=BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert result.returncode != 0
    assert "API_RATE_LIMIT" in result.stderr
