import pytest
from django.conf import settings

from session_state import keys

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


def session_redis_key(session_id):
    return keys.session(session_id)


def test_the_login_page_has_the_form_fields_other_tools_rely_on(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert 'name="username"' in page
    assert 'name="password"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_right_password_logs_in_and_redirects_to_the_profile(client, user, password):
    response = client.post("/accounts/login/", {"username": "alice", "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200


def test_a_wrong_password_shows_the_form_again_with_an_error(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "not-it"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_COOKIE not in response.cookies


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(client, user):
    wrong_password = client.post("/accounts/login/", {"username": "alice", "password": "not-it"})
    unknown_user = client.post("/accounts/login/", {"username": "mallory", "password": "not-it"})

    assert unknown_user.status_code == wrong_password.status_code == 200
    assert unknown_user.context["form"].errors == {
        "__all__": [e.replace("mallory", "alice") for e in wrong_password.context["form"].errors["__all__"]]
    }


def test_login_gives_a_new_session_id_and_deletes_the_old_one_from_redis(
    client, user, password, redis_client
):
    before_login = _anonymous_session_with({"visited": "the shop"})
    assert redis_client.exists(session_redis_key(before_login))  # else "gone" below would prove nothing
    client.cookies[SESSION_COOKIE] = before_login

    client.post("/accounts/login/", {"username": "alice", "password": password})
    after_login = client.cookies[SESSION_COOKIE].value

    assert after_login != before_login
    assert not redis_client.exists(session_redis_key(before_login))
    assert redis_client.exists(session_redis_key(after_login))


def test_a_planted_session_id_is_anonymous_after_the_victim_logs_in(client, user, password, redis_client):
    planted = _anonymous_session_with({"planted": "by an attacker"})
    client.cookies[SESSION_COOKIE] = planted
    client.post("/accounts/login/", {"username": "alice", "password": password})

    client.cookies.clear()
    client.cookies[SESSION_COOKIE] = planted
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_what_the_visitor_had_before_login_survives_the_new_session_id(client, user, password, redis_client):
    client.cookies[SESSION_COOKIE] = _anonymous_session_with({"visited": "the shop"})
    client.post("/accounts/login/", {"username": "alice", "password": password})

    assert client.session["visited"] == "the shop"


def test_next_redirects_within_the_site(client, user, password):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": password, "next": "/products/enamel-camp-mug/"}
    )

    assert response["Location"] == "/products/enamel-camp-mug/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "https:/evil.example"])
def test_next_never_redirects_off_the_site(client, user, password, target):
    response = client.post("/accounts/login/", {"username": "alice", "password": password, "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"


def test_a_logged_in_user_who_opens_the_login_page_is_sent_on(logged_in_client):
    response = logged_in_client.get("/accounts/login/")

    assert response.status_code == 302


def _anonymous_session_with(data):
    """Make an anonymous session the way the site would, and return its id."""
    from session_state.store import SessionStore

    store = SessionStore()
    for key, value in data.items():
        store[key] = value
    store.create()
    return store.session_key
