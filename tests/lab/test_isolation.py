"""The lab shows a visitor their own session and requests, never another visitor's."""

import json

from django.conf import settings
from django.test import Client

from lab.middleware import new_lab_id
from tests.lab.feed import feed
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
    assert seen["requests"] == []
    assert theirs["session"]["fingerprint"] not in json.dumps(seen)
    assert str(user.pk) not in json.dumps(seen["session"])


def test_two_visitors_each_see_only_their_own_session(lab_client, user, password, mug):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    stranger = other_browser()
    add(stranger, mug)

    mine, theirs = feed(lab_client), feed(stranger)

    assert mine["session"]["fingerprint"] != theirs["session"]["fingerprint"]
    assert mine["state"] == "logged-in" and theirs["state"] == "anonymous"
    assert {r["fingerprint"] for r in theirs["requests"]} == {theirs["session"]["fingerprint"]}


def test_the_feed_takes_no_parameter_that_could_name_another_session(lab_client, user, password, mug):
    lab_client.post("/accounts/login/", {"username": user.username, "password": password})
    victim_session = lab_client.cookies[settings.SESSION_COOKIE_NAME].value
    stranger = other_browser()

    seen = stranger.get("/lab/feed", {"session": victim_session, "session_id": victim_session, "key": victim_session})

    assert seen.json()["session"] is None


def test_a_made_up_lab_cookie_shows_no_ones_requests(lab_client, mug):
    lab_client.get(mug.get_absolute_url())
    stranger = Client()
    stranger.cookies[settings.SESSION_LAB_COOKIE_NAME] = new_lab_id()

    assert feed(stranger)["requests"] == []


def test_the_feed_never_shows_the_session_key(lab_client, mug):
    add(lab_client, mug)
    key = lab_client.cookies[settings.SESSION_COOKIE_NAME].value

    assert key not in lab_client.get("/lab/feed").content.decode()
    assert key not in lab_client.get("/lab/").content.decode()


def test_polling_the_feed_neither_uses_nor_slides_the_session(lab_client, mug, redis_client):
    add(lab_client, mug)
    ttl_before = feed(lab_client)["session"]["ttl_ms"]
    redis_key = next(key for key in redis_client.scan_iter("shop:session:*"))
    redis_client.pexpire(redis_key, ttl_before - 60_000)  # as if a minute had passed unused

    response = lab_client.get("/lab/feed")

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert redis_client.pttl(redis_key) <= ttl_before - 60_000
