"""The lab records the requests of a browser that opened it, and what became of its session."""

import os
import time

import pytest
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

from lab.middleware import LabRecorderMiddleware
from tests.lab.feed import feed, routes
from tests.shopping import add


def test_opening_the_lab_gives_the_browser_a_lab_cookie_that_no_script_can_read(client, db):
    response = client.get("/lab/")

    cookie = response.cookies[settings.SESSION_LAB_COOKIE_NAME]
    assert response.status_code == 200
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Strict"


def test_a_browser_that_never_opened_the_lab_is_not_recorded(client, mug):
    client.get("/")
    client.get("/lab/")  # only now

    assert routes(feed(client)) == ["/lab/"]


def test_opening_the_lab_is_recorded_where_its_story_starts(client, mug):
    add(client, mug)

    client.get("/lab/")

    (opening,) = feed(client)["requests"]
    assert opening["opened_lab"] is True
    assert opening["fingerprint"] == feed(client)["session"]["fingerprint"]


def test_a_request_is_recorded_with_its_worker_route_and_round_trips(lab_client, mug):
    lab_client.get(mug.get_absolute_url())

    request = feed(lab_client)["requests"][0]
    assert request["route"] == "/products/<slug:slug>/"
    assert request["status"] == 200
    assert request["worker"].endswith(f":{os.getpid()}")
    assert request["round_trips"] == []  # an anonymous page without a session: no round trip


def test_a_logged_in_page_is_recorded_as_one_round_trip(lab_client, user, password, mug):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    lab_client.get("/")  # once before, for Redis to learn the script
    lab_client.get("/")

    newest = feed(lab_client)["requests"][0]
    assert len(newest["round_trips"]) == 1
    assert newest["round_trips"][0][0].startswith("EVALSHA")


def test_an_add_to_the_cart_is_recorded_as_its_script(lab_client, mug):
    lab_client.get("/")
    add(lab_client, mug)

    newest = feed(lab_client)["requests"][0]
    assert ["EVALSHA add.lua"] in newest["round_trips"]


def test_the_first_write_of_a_session_is_recorded_as_its_creation(lab_client, mug):
    add(lab_client, mug)

    newest = feed(lab_client)["requests"][0]
    assert "created" in newest["events"]
    assert newest["fingerprint_before"] is None
    assert newest["fingerprint"] == feed(lab_client)["session"]["fingerprint"]


def test_a_login_is_recorded_with_the_new_key_and_the_cookie_set(lab_client, user, password, mug):
    add(lab_client, mug)  # an anonymous session first
    before = feed(lab_client)["session"]["fingerprint"]

    lab_client.post("/accounts/login/", {"username": user.username, "password": password})

    login = feed(lab_client)["requests"][0]
    assert login["events"] == ["logged in", "new key at login (the old one deleted)"]
    assert login["fingerprint_before"] == before
    assert login["fingerprint"] not in (None, before)
    assert login["cookie"]["attributes"]["httponly"] is True
    assert login["cookie"]["attributes"]["samesite"] == "Lax"


def test_a_logout_is_recorded_as_the_end_of_the_session(lab_client, user, password):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})

    lab_client.post("/accounts/logout/")

    view = feed(lab_client)
    assert view["requests"][0]["events"] == ["logged out", "ended: deleted from Redis"]
    assert view["session"] is None
    assert view["state"] == "ended"


def test_the_lab_records_neither_its_feed_nor_the_api(lab_client, db):
    lab_client.get("/lab/feed")
    lab_client.get("/api/v1/products")

    assert routes(feed(lab_client)) == ["/lab/"]  # its page's opening only


def test_a_request_path_with_a_token_is_recorded_by_its_route_only(lab_client, db):
    lab_client.get("/accounts/password/reset/MQ/set-password-token-abc/")

    request = feed(lab_client)["requests"][0]
    assert "token-abc" not in str(request)
    assert request["route"] == "/accounts/password/reset/<uidb64>/<token>/"


def test_with_the_lab_off_the_recorder_steps_aside(settings):
    settings.SESSION_LAB = False

    with pytest.raises(MiddlewareNotUsed):
        LabRecorderMiddleware(lambda request: None)


def test_a_request_that_slides_the_idle_timeout_is_recorded_as_a_slide(lab_client, mug, settings):
    settings.SESSION_COOKIE_AGE = 10  # a slide is due a second after the last
    add(lab_client, mug)
    time.sleep(1.1)

    lab_client.get("/")

    assert feed(lab_client)["requests"][0]["events"] == ["slid: saved, the idle timeout starts again"]


def test_a_request_before_the_next_slide_is_due_writes_nothing(lab_client, mug):
    add(lab_client, mug)

    lab_client.get("/")

    newest = feed(lab_client)["requests"][0]
    assert newest["events"] == []
    assert newest["cookie"] is None


def test_a_re_authentication_is_recorded_with_its_new_key(lab_client, user, password, settings):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    settings.REAUTH_AFTER = 0  # every password typed is too old: the page asks again

    lab_client.post("/accounts/password/change/", {"reauth_password": password, "reauth_method": "GET"})

    newest = feed(lab_client)["requests"][0]
    assert newest["events"] == ["re-authenticated: new key"]
    assert newest["fingerprint"] != newest["fingerprint_before"]


def test_a_page_that_needs_no_redis_is_served_when_redis_cannot_take_the_record(
    lab_client, mug, redis_down, caplog
):
    response = lab_client.get("/")

    assert response.status_code == 200
    assert "The lab could not record a request" in caplog.text


def test_a_password_change_is_recorded_as_such_with_its_new_key(lab_client, user, password):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    new = "a-new-long-passphrase-42"

    lab_client.post(
        "/accounts/password/change/", {"old_password": password, "new_password1": new, "new_password2": new}
    )

    newest = feed(lab_client)["requests"][0]
    assert newest["events"] == ["password changed: new key"]
