"""
The engines the benchmark and the demos compare ours with (SESSION_BACKEND)
still run the shop: log in, see a page that needs the session, fill a cart.
"""

import pytest

from catalog.models import Category, Product

ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
    "memory": "django.contrib.sessions.backends.cache",
}


@pytest.fixture(params=sorted(ENGINES))
def other_engine(request, settings):
    settings.SESSION_ENGINE = ENGINES[request.param]
    if request.param == "memory":
        settings.CACHES = {
            **settings.CACHES,
            "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
        settings.SESSION_CACHE_ALIAS = "memory"
    return request.param


def test_the_shop_runs_on_the_engines_it_is_compared_with(other_engine, client, user, password):
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")
    mug = Product.objects.create(category=kitchen, name="Mug", slug="mug", price="5.00", stock=10)

    client.post(f"/cart/add/{mug.pk}/", {"quantity": 2})
    login = client.post("/accounts/login/", {"username": "alice", "password": password})

    assert login.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    assert client.get("/cart/summary/").json()["count"] == 2
