"""
Where a request's time goes (make bench, after the engines): the hot paths
profiled in process with cProfile, on a Redis of their own and SQLite, and
a summary written to bench/results/profiles.md.

In process, without nginx and gunicorn, so that only the shop's own work
is measured: Django's test client makes each request REQUESTS times. The
summary gives each path's time per request, then its own time (tottime)
grouped by where the code lives (the shop's apps, Django, redis-py, ...),
then the functions that take longest, cumulatively, in the shop's code.
"""

import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from deploy.stack import BASE_DIR, scratch_redis

RESULTS = BASE_DIR / "bench" / "results" / "profiles.md"
REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "1000"))
SHOP_APPS = ("accounts", "api", "cart", "catalog", "demo", "ops", "orders", "session_state", "shop")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="shop-profiles-"))
    with scratch_redis(folder) as redis_server:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="shop.settings.test",
            DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
            REDIS_URL=redis_server.url,
        )
        return _profile()


def _profile() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    for cache in settings.CACHES.values():
        cache["LOCATION"] = os.environ["REDIS_URL"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from catalog.models import Product
    from demo.data import DEMO_PASSWORD, DEMO_USERNAME

    product = Product.objects.filter(stock__gt=0).first()
    visitor = Client(headers={"X-Real-IP": "203.0.113.1"})
    shopper = Client(headers={"X-Real-IP": "203.0.113.2"})
    shopper.post("/accounts/login/", {"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    paths = {
        "anonymous page (GET /)": lambda: visitor.get("/"),
        "logged-in page (GET /)": lambda: shopper.get("/"),
        "JSON session read, logged in": lambda: shopper.get("/accounts/sessions/current/"),
        "add to cart, logged in": lambda: shopper.post(f"/cart/add/{product.pk}/", {"quantity": 1}),
    }
    sections = []
    for name, request in paths.items():
        for _warm_up in range(50):
            request()
        if name.startswith("add"):
            shopper.post("/cart/clear/")
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for number in range(REQUESTS):
            request()
            if name.startswith("add") and number % 90 == 89:
                profile.disable()
                shopper.post("/cart/clear/")  # a line holds at most 99
                profile.enable()
        profile.disable()
        per_request = (time.perf_counter() - started) / REQUESTS * 1000
        sections.append(_summary(name, pstats.Stats(profile), per_request))
        print(f"  profiled: {name}, {per_request:.2f} ms a request", flush=True)
    sections.append(_lab_cost(paths["logged-in page (GET /)"]))
    sections.append(_access_token_cost())
    RESULTS.write_text(
        "# Where a request's time goes\n\n"
        f"Written by `make bench` (bench/profiles.py): each path {REQUESTS} times in process with Django's test "
        "client and cProfile (which slows everything alike), on a Redis of its own and SQLite, with the test "
        "settings (the session lab on). No nginx, no gunicorn: the shop's own work.\n\n" + "\n".join(sections)
    )
    print(f"Written: {RESULTS}", flush=True)
    return 0


def _lab_cost(logged_in_page) -> str:
    """
    What the session lab costs a request of a browser that never opened it,
    timed directly: its recorder stepping aside (a request without a lab
    cookie), and the hook on every Redis connection outside noting() (one
    context variable lookup per round trip); against a logged-in page's
    whole time in process, not profiled.
    """
    import timeit

    from django.http import HttpResponse
    from django.test import RequestFactory

    from lab.middleware import LabRecorderMiddleware
    from ops import redis_commands

    response = HttpResponse()
    request = RequestFactory().get(
        "/", HTTP_COOKIE="__Host-shop_session=a" + "x" * 44 + "; __Host-csrftoken=y"
    )
    recorder = LabRecorderMiddleware(lambda request: response)
    calls = 200_000
    bare = min(timeit.repeat(lambda: response, number=calls, repeat=5)) / calls
    recorded = min(timeit.repeat(lambda: recorder(request), number=calls, repeat=5)) / calls
    hook = min(timeit.repeat(redis_commands._noted.get, number=calls, repeat=5)) / calls
    page_ms = min(timeit.repeat(logged_in_page, number=200, repeat=3)) / 200 * 1000
    recorder_ns, hook_ns = (recorded - bare) * 1e9, hook * 1e9
    share = (recorder_ns + hook_ns) / (page_ms * 1e6)
    print(f"  the session lab, unopened: {recorder_ns:.0f} ns + {hook_ns:.0f} ns a round trip", flush=True)
    return (
        "## The session lab, for a browser that never opened it\n\n"
        "Timed directly (the best of five runs of 200,000 calls each), not profiled:\n\n"
        f"- its recorder stepping aside for a request without a lab cookie: **{recorder_ns:.0f} ns**;\n"
        f"- the hook on the Redis connections, outside a watched request: **{hook_ns:.0f} ns** a round trip "
        "(a logged-in page makes one);\n"
        f"- together, **{share:.2%}** of a logged-in page's {page_ms:.2f} ms in process (the best of three runs "
        "of 200, not profiled), and no round trip: less than any measurement of a page here can tell apart. "
        "`make bench` also measures the stack with the lab on against it off (results.md).\n"
    )


def _access_token_cost() -> str:
    """
    What checking an access token costs since it is signed with ES256 (so
    that any service can verify it with the published keys) rather than
    HS256: the same claims verified both ways (PyJWT, as
    session_state.access_tokens does it), against a whole Bearer read of
    the API in process (GET /api/v1/me: the check, the user's record from
    Redis, the answer). Still no round trip for the check itself.
    """
    import timeit

    import jwt
    from django.conf import settings
    from django.test import Client

    from demo.data import DEMO_PASSWORD, DEMO_USERNAME
    from session_state import access_tokens

    phone = Client(headers={"X-Real-IP": "203.0.113.3"})
    token = phone.post(
        "/api/v1/auth/token",
        {"username": DEMO_USERNAME, "password": DEMO_PASSWORD},
        content_type="application/json",
    ).json()["access_token"]
    es256_keys = settings.API_SIGNING_KEYS
    hmac_key = ("bench-hs256", "bench-only-hmac-key-0123456789abcdef-0123456789abcdef")
    claims = jwt.decode(token, options={"verify_signature": False})
    hs256 = jwt.encode(claims, hmac_key[1], algorithm="HS256", headers={"kid": hmac_key[0], "typ": "at+jwt"})
    settings.API_SIGNING_KEYS = [*es256_keys, hmac_key]
    calls = 2_000
    es256_us = min(timeit.repeat(lambda: access_tokens.verify(token), number=calls, repeat=5)) / calls * 1e6
    hs256_us = min(timeit.repeat(lambda: access_tokens.verify(hs256), number=calls, repeat=5)) / calls * 1e6
    settings.API_SIGNING_KEYS = es256_keys
    bearer = {"Authorization": f"Bearer {token}"}
    read_ms = (
        min(timeit.repeat(lambda: phone.get("/api/v1/me", headers=bearer), number=200, repeat=3)) / 200 * 1000
    )
    added = es256_us - hs256_us
    print(f"  access tokens: ES256 {es256_us:.0f} us, HS256 {hs256_us:.0f} us to verify", flush=True)
    return (
        "## Checking an access token: ES256 against HS256\n\n"
        "Timed directly (the best of five runs of 2,000 checks each, the same claims), not profiled:\n\n"
        f"- ES256 (what the shop signs with, so that any service can verify with the published keys): "
        f"**{es256_us:.0f} µs** a check;\n"
        f"- HS256 (the release before, a shared secret): **{hs256_us:.0f} µs**;\n"
        f"- ES256 adds **{added:.0f} µs**, {es256_us / hs256_us:.1f} times HS256's, "
        f"{added / (read_ms * 1000):.1%} of a whole Bearer read of the API in process "
        f"(GET /api/v1/me, {read_ms:.2f} ms, the best of three runs of 200). Neither makes a round trip: "
        "the read's are its user's record and its request-rate count (results.md counts them on the stack).\n"
    )


def _where(filename: str) -> str:
    """The package a function's code belongs to: one of the shop's apps, or a library."""
    if filename == "~":  # built-in functions and methods
        return "python"
    path = Path(filename)
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1].split(".")[0]
    try:
        relative = path.resolve().relative_to(BASE_DIR)
    except ValueError:
        return "python" if filename.startswith(("<", sys.prefix, sys.base_prefix)) else "other"
    return relative.parts[0] if relative.parts[0] in SHOP_APPS else "other"


def _summary(name: str, stats: pstats.Stats, per_request: float) -> str:
    by_place = defaultdict(float)
    total = 0.0
    ours = []
    for (filename, line, function), (_calls, _primitive, tottime, cumtime, _callers) in stats.stats.items():
        place = _where(filename)
        by_place[place] += tottime
        total += tottime
        # Not a middleware's __call__: each wraps the whole rest of the request.
        if place in SHOP_APPS and not (function == "__call__" and filename.endswith("middleware.py")):
            ours.append((cumtime, f"{Path(filename).relative_to(BASE_DIR)}:{line} {function}"))
    lines = [
        f"## {name}: {per_request:.2f} ms a request (profiled)",
        "",
        "| where | share of the time |",
        "| --- | ---: |",
    ]
    lines += [
        f"| {place} | {seconds / total:.0%} |"
        for place, seconds in sorted(by_place.items(), key=lambda item: -item[1])
        if seconds / total >= 0.01
    ]
    lines += [
        "",
        (
            "The shop's functions that take longest, cumulatively (their callees included; not the middlewares' "
            "`__call__`, each of which wraps the rest of the request):"
        ),
        "",
    ]
    lines += [
        f"- `{function}`: {cumtime / REQUESTS * 1000:.3f} ms a request"
        for cumtime, function in sorted(ours, reverse=True)[:8]
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
