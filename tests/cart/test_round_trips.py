"""
What a request costs in round trips to Redis, the targets of issue 5: a
page's session and its cart's count come in one, and so do a session and an
add to its cart; and of issue 24: the cart page's session and its cart's
lines come in one too. (bench/ shows the same on the running stack.)
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import OperationalError

from tests.shopping import add, cart_of, contents_of, expire_the_user_record, summary


def test_an_anonymous_page_view_without_a_cookie_costs_no_round_trip(client, mug, round_trips):
    with round_trips:
        client.get("/")

    assert round_trips.count == 0


def test_a_logged_in_page_view_costs_one_round_trip(logged_in_client, mug, round_trips):
    add(logged_in_client, mug, 2)
    logged_in_client.get("/")  # once before, for Redis to learn the script

    with round_trips:
        page = logged_in_client.get("/")

    assert round_trips.count == 1
    assert page.context["cart_units"] == 2


def test_the_cart_page_of_a_logged_in_user_costs_one_round_trip(logged_in_client, mug, board, round_trips):
    add(logged_in_client, mug, 2)
    add(logged_in_client, board, 1)
    logged_in_client.get("/cart/")  # once before, for Redis to learn the script

    with round_trips:
        page = logged_in_client.get("/cart/")

    assert round_trips.count == 1
    assert {line.product.pk: line.quantity for line in page.context["cart"].lines} == {mug.pk: 2, board.pk: 1}
    assert page.context["cart_units"] == 3


def test_the_cart_page_of_an_anonymous_visitor_costs_one_round_trip(client, mug, round_trips):
    add(client, mug, 4)
    client.get("/cart/")

    with round_trips:
        page = client.get("/cart/")

    assert round_trips.count == 1
    assert [(line.product.pk, line.quantity) for line in page.context["cart"].lines] == [(mug.pk, 4)]


def test_the_cart_summary_costs_one_round_trip(logged_in_client, mug, round_trips):
    add(logged_in_client, mug, 3)
    summary(logged_in_client)

    with round_trips:
        shown = summary(logged_in_client)

    assert round_trips.count == 1
    assert shown == {"count": 3, "lines": 1, "subtotal": "43.50"}


def test_the_cart_page_shows_no_lines_of_a_user_whose_session_django_refuses(
    logged_in_client, user, mug, django_capture_on_commit_callbacks
):
    add(logged_in_client, mug, 2)
    # The script reads the lines of the cart the session's id names, before
    # Django checks the session's user: a password changed behind the
    # shop's back makes Django refuse it, and the page shows none of them.
    changed = get_user_model().objects.get(pk=user.pk)
    changed.set_password("a-new-password-entirely")
    with django_capture_on_commit_callbacks(execute=True):
        changed.save()

    page = logged_in_client.get("/cart/")

    assert page.context["cart"].lines == []
    assert page.context["cart_units"] == 0
    assert contents_of(user) == {mug.pk: 2}


def test_an_add_to_cart_costs_one_round_trip(logged_in_client, mug, round_trips):
    add(logged_in_client, mug)

    with round_trips:
        response = add(logged_in_client, mug)

    assert response.status_code == 302
    assert round_trips.count == 1
    assert summary(logged_in_client)["count"] == 2


def test_an_add_to_an_anonymous_cart_costs_one_round_trip_once_the_cart_exists(client, mug, round_trips):
    add(client, mug)

    with round_trips:
        add(client, mug)

    assert round_trips.count == 1
    assert summary(client)["count"] == 2


def test_the_header_counts_the_cart_of_whoever_is_logged_in(logged_in_client, user, mug, redis_client):
    redis_client.hset(cart_of(user).key, mug.pk, 7)

    page = logged_in_client.get("/")

    assert page.context["cart_units"] == 7


def test_an_add_with_a_session_whose_password_changed_elsewhere_is_taken_back(
    logged_in_client, user, mug, django_capture_on_commit_callbacks
):
    add(logged_in_client, mug)
    # Not through the shop's password change (which ends the other sessions
    # at once), but as a script or the shell would: only Django's check of
    # the session's password hash stands in the way, after the script that
    # found the cart from the session has added to it.
    changed = get_user_model().objects.get(pk=user.pk)
    changed.set_password("a-new-password-entirely")
    with django_capture_on_commit_callbacks(execute=True):  # the shell commits at once
        changed.save()

    response = add(logged_in_client, mug, 5)

    assert response.status_code == 302
    assert contents_of(user) == {mug.pk: 1}
    # Logged out, the visitor's add went to a cart of their own.
    assert "_auth_user_id" not in logged_in_client.session
    assert summary(logged_in_client)["count"] == 5


def test_an_add_whose_session_cannot_be_checked_for_a_database_outage_answers_503_and_changes_nothing(
    logged_in_client, user, mug, monkeypatch
):
    add(logged_in_client, mug)
    expire_the_user_record(user)  # without it, the session's user is known without the database

    def database_down(backend, user_id):
        raise OperationalError("connection refused")

    # The database fails after the product was read, just as Django looks the
    # session's user up: after the script has added to the cart.
    monkeypatch.setattr(ModelBackend, "get_user", database_down)
    response = add(logged_in_client, mug, 4)

    assert response.status_code == 503
    assert contents_of(user) == {mug.pk: 1}


def test_reading_the_session_as_json_costs_one_round_trip(logged_in_client, mug, round_trips):
    add(logged_in_client, mug, 3)
    logged_in_client.get("/accounts/sessions/current/")

    with round_trips:
        shown = logged_in_client.get("/accounts/sessions/current/").json()

    assert round_trips.count == 1
    assert shown["cart_units"] == 3
