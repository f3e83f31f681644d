from django.conf import settings

from session_state.fields import PUBLIC_ID


def test_the_current_session_is_shown_as_json_to_its_owner(logged_in_client):
    shown = logged_in_client.get("/accounts/sessions/current/").json()

    assert shown["user"] == "alice"
    assert shown["cart_units"] == 0
    assert shown["public_id"] == logged_in_client.session[PUBLIC_ID]
    assert shown["started"] and shown["last_seen"] and shown["ends_at_the_latest"]


def test_the_current_session_never_shows_its_key(logged_in_client):
    key = logged_in_client.cookies[settings.SESSION_COOKIE_NAME].value

    assert key not in logged_in_client.get("/accounts/sessions/current/").content.decode()


def test_a_visitor_without_a_session_is_shown_none_and_given_none(client, db, round_trips):
    with round_trips:
        shown = client.get("/accounts/sessions/current/").json()

    assert shown["user"] is None and shown["public_id"] is None
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert round_trips.count == 0
