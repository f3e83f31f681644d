"""The lab tells the whole life of a session: how it ended and why, with what came before kept."""

import json
import time

from django.test import Client

from lab.selectors import duration
from tests.lab.feed import feed, routes
from tests.shopping import add

NEW_PASSWORD = "a-new-long-passphrase-42"


def log_in(client, user, password):
    client.post("/accounts/login/", {"username": user.username, "password": password})


def another_device(user, password) -> Client:
    device = Client(headers={"X-Real-IP": "198.51.100.9"})
    log_in(device, user, password)
    return device


def public_id(client) -> str:
    """The id that names the lab browser's session on the sessions page, as the lab shows it stored."""
    return json.loads(feed(client)["session"]["stored"])["_i"]


def test_a_session_that_timed_out_keeps_its_requests_and_is_told_as_ended_by_the_idle_timeout(
    lab_client, mug, settings
):
    settings.SESSION_COOKIE_AGE = 1
    add(lab_client, mug)
    time.sleep(1.3)

    view = feed(lab_client)

    assert view["state"] == "ended"
    assert view["end"]["why"] == "idle timeout"
    assert routes(view) == ["/cart/add/<int:product_id>/", "/lab/"]


def test_the_end_of_a_timed_out_session_is_when_its_idle_timeout_ran_out(lab_client, mug, settings):
    settings.SESSION_COOKIE_AGE = 1
    add(lab_client, mug)
    added_at = feed(lab_client)["requests"][0]["at"]
    time.sleep(1.3)

    ended_at = feed(lab_client)["end"]["at"]

    assert added_at < ended_at <= added_at + 1.1


def test_a_session_past_its_absolute_timeout_is_told_as_ended_by_it(lab_client, user, password, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT = 2
    log_in(lab_client, user, password)
    time.sleep(2.3)

    assert feed(lab_client)["end"]["why"] == "absolute timeout"


def test_a_logout_keeps_the_requests_before_and_is_told_as_the_end(lab_client, user, password, mug):
    log_in(lab_client, user, password)
    add(lab_client, mug)

    lab_client.post("/accounts/logout/")

    view = feed(lab_client)
    assert view["end"]["why"] == "logout"
    assert routes(view) == ["/accounts/logout/", "/cart/add/<int:product_id>/", "/accounts/login/", "/lab/"]


def test_a_session_ended_from_another_device_is_told_so(lab_client, user, password):
    log_in(lab_client, user, password)
    device = another_device(user, password)

    device.post(f"/accounts/sessions/{public_id(lab_client)}/end/")

    assert feed(lab_client)["end"]["why"] == "another device"


def test_a_session_ended_by_a_password_change_on_another_device_is_told_so(lab_client, user, password):
    log_in(lab_client, user, password)
    device = another_device(user, password)

    device.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert feed(lab_client)["end"]["why"] == "password changed"


def test_an_end_from_another_device_is_still_told_after_the_next_request_found_it(lab_client, user, password):
    log_in(lab_client, user, password)
    device = another_device(user, password)
    device.post(f"/accounts/sessions/{public_id(lab_client)}/end/")

    lab_client.get("/")  # finds it ended: the browser forgets the session's cookie

    (end,) = feed(lab_client)["ends"]
    assert end["why"] == "another device"
    assert end["request"] == "GET /"


def test_a_session_gone_from_redis_before_its_time_is_told_as_gone_early(lab_client, mug, redis_client):
    add(lab_client, mug)
    for key in redis_client.scan_iter("shop:session:*"):
        redis_client.delete(key)  # not by a timeout: its TTL had most of an hour left

    assert feed(lab_client)["end"]["why"] == "gone"


def test_the_next_session_after_an_end_follows_in_the_same_story(lab_client, user, password, mug):
    log_in(lab_client, user, password)
    lab_client.post("/accounts/logout/")

    add(lab_client, mug)

    view = feed(lab_client)
    assert view["state"] == "anonymous"
    assert [end["why"] for end in view["ends"]] == ["logout"]
    assert routes(view)[-2:] == ["/accounts/login/", "/lab/"]


def test_the_end_is_an_event_of_the_story_after_what_came_before(lab_client, user, password):
    log_in(lab_client, user, password)

    lab_client.post("/accounts/logout/")

    story = feed(lab_client)["story"]
    assert [item["says"] for item in story][:3] == [
        "you opened the lab: from here on it records your requests",
        "logged in",
        "created",
    ]
    assert story[-1]["end"] is True
    assert story[-1]["says"].startswith("You logged out")


def test_a_lab_opened_while_logged_in_tells_the_login_before_it_at_once(client, user, password):
    log_in(client, user, password)

    client.get("/lab/")

    view = feed(client)
    assert view["state"] == "logged-in"
    assert view["story"][0]["says"].startswith("logged in, before the lab opened")


def test_the_feed_tells_the_header_who_the_last_page_showed_and_the_carts_count(
    lab_client, user, password, mug
):
    log_in(lab_client, user, password)
    add(lab_client, mug, quantity=2)

    lab_client.get("/")

    assert feed(lab_client)["visitor"] == {"username": user.username, "cart_units": 2}


def test_without_a_session_the_feed_tells_the_header_of_a_visitor_with_an_empty_cart(
    lab_client, user, password
):
    log_in(lab_client, user, password)
    lab_client.get("/")

    lab_client.post("/accounts/logout/")

    assert feed(lab_client)["visitor"] == {"username": None, "cart_units": 0}


def test_a_session_ended_unseen_costs_the_feed_one_read_more_for_why(
    lab_client, mug, redis_client, round_trips
):
    add(lab_client, mug)
    for key in redis_client.scan_iter("shop:session:*"):
        redis_client.delete(key)

    with round_trips:
        lab_client.get("/lab/feed")

    assert round_trips.count == 3  # the session as stored, the log, and the note of why it ended


def test_where_the_lab_is_off_ending_a_session_elsewhere_still_notes_why_for_the_shops_own_message(
    lab_client, user, password, settings, redis_client
):
    log_in(lab_client, user, password)
    device = another_device(user, password)
    settings.SESSION_LAB = False

    device.post(f"/accounts/sessions/{public_id(lab_client)}/end/")

    assert len(list(redis_client.scan_iter("shop:session-end:*"))) == 1


def test_hours_are_told_in_hours():
    assert duration(11 * 3600 + 59 * 60 + 56) == "11 h 59 min"


def test_minutes_are_told_in_minutes_and_seconds():
    assert duration(59 * 60 + 54) == "59 min 54 s"
