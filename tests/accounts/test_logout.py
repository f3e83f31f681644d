from django.conf import settings
from django.test import Client

from session_state import keys

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


def test_logout_deletes_the_session_from_redis(logged_in_client, redis_client):
    session_id = logged_in_client.cookies[SESSION_COOKIE].value

    logged_in_client.post("/accounts/logout/")

    assert not redis_client.exists(keys.session(session_id))


def test_logout_says_so_on_the_page_it_leads_to(logged_in_client):
    page = logged_in_client.post("/accounts/logout/", follow=True).content.decode()

    assert "You are logged out." in page


def test_logout_expires_the_session_cookie(logged_in_client):
    response = logged_in_client.post("/accounts/logout/")

    assert response.cookies[SESSION_COOKIE]["max-age"] == 0
    assert response.cookies[SESSION_COOKIE].value == ""


def test_the_old_cookie_replayed_after_logout_is_anonymous(logged_in_client):
    session_id = logged_in_client.cookies[SESSION_COOKIE].value
    logged_in_client.post("/accounts/logout/")

    logged_in_client.cookies[SESSION_COOKIE] = session_id
    response = logged_in_client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_by_get_is_refused(logged_in_client):
    response = logged_in_client.get("/accounts/logout/")

    assert response.status_code == 405
    assert logged_in_client.get("/accounts/profile/").status_code == 200


def test_logout_without_a_csrf_token_is_refused(user, password):
    client = Client(enforce_csrf_checks=True, headers={"X-Real-IP": "203.0.113.10"})
    client.force_login(user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 403
    assert client.get("/accounts/profile/").status_code == 200
