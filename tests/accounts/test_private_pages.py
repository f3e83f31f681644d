"""
Pages built from a session are never stored (ASVS 3.3.1): after logout,
Back must show none of them from a cache; logout clears the browser's.
(tests/browser/ shows it in Chromium with its back/forward cache on.)
"""

import pytest

PERSONAL = [
    "/accounts/profile/",
    "/accounts/sessions/",
    "/accounts/sessions/current/",
    "/accounts/address/",
    "/accounts/email/change/",
    "/accounts/password/change/",
    "/orders/",
    "/cart/",
    "/",
]


@pytest.mark.parametrize("path", PERSONAL)
def test_a_page_for_a_logged_in_shopper_is_never_stored(logged_in_client, path):
    response = logged_in_client.get(path)

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_logout_tells_the_browser_to_clear_its_cache(logged_in_client):
    response = logged_in_client.post("/accounts/logout/")

    assert response["Clear-Site-Data"] == '"cache"'


def test_a_catalog_page_for_a_visitor_without_a_session_may_be_cached(client, db):
    response = client.get("/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_ending_ones_own_session_from_the_sessions_page_clears_the_browsers_cache_too(logged_in_client):
    own = logged_in_client.get("/accounts/sessions/current/").json()["public_id"]

    response = logged_in_client.post(f"/accounts/sessions/{own}/end/")

    assert response["Clear-Site-Data"] == '"cache"'
