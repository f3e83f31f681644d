"""The lab shows a visitor their own session and requests, never another visitor's."""

import json
import time

from django.conf import settings
from django.test import Client

from lab.ids import new_lab_cookie
from ops.redis_commands import noting
from tests.lab.feed import feed, routes
from tests.shopping import add


def other_browser() -> Client:
    browser = Client(headers={"X-Real-IP": "198.51.100.7"})
    browser.get("/lab/")
    return browser


def test_a_visitor_sees_nothing_of_another_visitors_session_or_requests(lab_client, user, password, mug):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    add(lab_client, mug)
    theirs = feed(lab_client)
    stranger = other_browser()

    seen = feed(stranger)

    assert seen["session"] is None
    assert routes(seen) == ["/lab/"]  # its own opening of the lab
    assert theirs["session"]["fingerprint"] not in json.dumps(seen)
    assert str(user.pk) not in json.dumps(seen["session"])


def test_two_visitors_each_see_only_their_own_session(lab_client, user, password, mug):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    stranger = other_browser()
    add(stranger, mug)

    mine, theirs = feed(lab_client), feed(stranger)

    assert mine["session"]["fingerprint"] != theirs["session"]["fingerprint"]
    assert mine["state"] == "logged-in" and theirs["state"] == "anonymous"
    assert [r["fingerprint"] for r in theirs["requests"]] == [theirs["session"]["fingerprint"], None]


def test_the_feed_takes_no_parameter_that_could_name_another_session(lab_client, user, password, mug):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    victim_session = lab_client.cookies[settings.SESSION_COOKIE_NAME].value
    stranger = other_browser()

    seen = stranger.get(
        "/lab/feed", {"session": victim_session, "session_id": victim_session, "key": victim_session}
    )

    assert seen.json()["session"] is None


def test_a_lab_cookie_the_lab_never_gave_out_is_not_recorded(client, mug, redis_client):
    client.cookies[settings.SESSION_LAB_COOKIE_NAME] = "x" * 24 + ":made-up-signature"

    client.get(mug.get_absolute_url())

    assert list(redis_client.scan_iter("shop:lab:*")) == []


def test_a_new_lab_cookie_shows_no_ones_requests(lab_client, mug):
    lab_client.get(mug.get_absolute_url())
    stranger = Client()
    stranger.cookies[settings.SESSION_LAB_COOKIE_NAME] = new_lab_cookie()

    assert feed(stranger)["requests"] == []


def test_a_request_with_another_session_than_the_logs_last_starts_the_log_again(
    lab_client, user, password, mug
):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    stranger = other_browser()
    add(stranger, mug)
    # The browser's cookie jar changed out of the lab's sight: now it holds the stranger's session.
    lab_client.cookies[settings.SESSION_COOKIE_NAME] = stranger.cookies[settings.SESSION_COOKIE_NAME].value

    lab_client.get("/")

    assert routes(feed(lab_client)) == ["/"]


def test_a_browser_holding_another_session_than_the_logs_last_is_shown_nothing_of_the_log(
    lab_client, user, password, mug
):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    stranger = other_browser()
    add(stranger, mug)

    lab_client.cookies[settings.SESSION_COOKIE_NAME] = stranger.cookies[settings.SESSION_COOKIE_NAME].value

    assert feed(lab_client)["requests"] == []


def test_the_feed_never_names_the_user_of_a_session_that_ended(lab_client, user, password):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    lab_client.get("/")

    lab_client.post("/accounts/logout/")

    assert user.username not in lab_client.get("/lab/feed").content.decode()


def test_secrets_in_the_session_are_hidden(lab_client, user, password):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    session = lab_client.session
    session["_password_reset_token"] = "set-password-token-abc"  # as Django keeps it during a reset
    session.save()

    stored = json.loads(feed(lab_client)["session"]["stored"])

    assert stored["_password_reset_token"] == "(hidden)"
    assert stored["_h"] == "(hidden)"
    assert stored["_u"] == str(user.pk)


def test_the_feed_never_shows_the_session_key(lab_client, mug):
    add(lab_client, mug)
    key = lab_client.cookies[settings.SESSION_COOKIE_NAME].value

    assert key not in lab_client.get("/lab/feed").content.decode()
    assert key not in lab_client.get("/lab/").content.decode()


def test_polling_the_feed_neither_uses_nor_slides_the_session(lab_client, mug, redis_client, settings):
    settings.SESSION_COOKIE_AGE = 10  # a page's request would slide it after a second
    add(lab_client, mug)
    redis_key = next(iter(redis_client.scan_iter("shop:session:*")))
    seen_before, ttl_before = json.loads(redis_client.get(redis_key))["_s"], redis_client.pttl(redis_key)
    time.sleep(1.1)

    response = lab_client.get("/lab/feed")

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert json.loads(redis_client.get(redis_key))["_s"] == seen_before
    assert redis_client.pttl(redis_key) < ttl_before - 1000


def test_the_feed_reads_the_session_as_stored_and_the_log_and_nothing_else(lab_client, mug):
    add(lab_client, mug)

    with noting() as round_trips:
        lab_client.get("/lab/feed")

    assert round_trips == [["GET", "PTTL"], ["LRANGE"]]
