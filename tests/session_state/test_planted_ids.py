"""
Session ids carry their owner's tag in the clear (session_state.keys), so
that a script finds the cart from the cookie alone. The tag is no secret:
these attacks know a victim's tag and get nothing by it.
"""

from django.conf import settings
from django.test import Client

from session_state import keys, sessions
from tests.redis_stats import command_calls, reset_command_stats
from tests.shopping import add, cart_of, contents_of, summary, visitor_cart_of

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


def attacker_with_id(session_id):
    attacker = Client(headers={"X-Real-IP": "198.51.100.66"})
    attacker.cookies[SESSION_COOKIE] = session_id
    return attacker


def test_an_id_forged_with_a_users_tag_is_no_session_and_sees_nothing_of_theirs(logged_in_client, user, mug):
    add(logged_in_client, mug, 2)
    forged = keys.new_session_id(mark=keys.LOGGED_IN_MARK, tag=sessions.tag_of_user(user))
    attacker = attacker_with_id(forged)

    page = attacker.get("/accounts/profile/")

    assert page.status_code == 302
    assert summary(attacker)["count"] == 0


def test_an_add_with_an_id_forged_with_a_users_tag_leaves_their_cart_alone(
    logged_in_client, user, mug, redis_client
):
    add(logged_in_client, mug, 2)
    attacker = attacker_with_id(keys.new_session_id(mark=keys.LOGGED_IN_MARK, tag=sessions.tag_of_user(user)))
    reset_command_stats(redis_client)

    add(attacker, mug, 5)

    assert contents_of(user) == {mug.pk: 2}
    # Not even for a moment: the script found no session, nothing was taken back.
    assert "hincrby" not in command_calls(redis_client)
    assert summary(attacker)["count"] == 5  # in a cart of the attacker's own
    assert sessions.claimed_owner(attacker.session).tag != sessions.tag_of_user(user)


def test_an_id_forged_with_another_visitors_tag_neither_reads_nor_changes_their_cart(client, mug):
    add(client, mug, 3)
    victims_cart = visitor_cart_of(client)
    attacker = attacker_with_id(keys.new_session_id(mark=keys.ANONYMOUS_MARK, tag=victims_cart.tag))

    seen = attacker.get("/").context["cart_units"]
    add(attacker, mug, 4)

    assert seen == 0
    assert summary(client)["count"] == 3
    assert visitor_cart_of(attacker) != victims_cart


def test_a_planted_real_anonymous_id_is_gone_after_the_victim_logs_in(
    client, user, password, mug, redis_client
):
    add(client, mug, 1)  # the attacker's own visit gets a real session id ...
    planted = client.cookies[SESSION_COOKIE].value
    victim = attacker_with_id(planted)  # ... which the victim's browser is made to carry

    victim.post("/accounts/login/", {"username": user.username, "password": password})

    assert victim.cookies[SESSION_COOKIE].value != planted
    assert not redis_client.exists(keys.session(planted))
    assert client.get("/accounts/profile/").status_code == 302  # the attacker holds nothing
    assert contents_of(user) == {mug.pk: 1}  # the victim got the planted cart, nothing more
    assert cart_of(user).tag == sessions.claimed_owner(victim.session).tag


def test_cycling_an_id_that_names_no_session_does_not_keep_its_tag(SessionStore):
    planted = keys.new_session_id(mark=keys.ANONYMOUS_MARK, tag="victimtag000")
    store = SessionStore(planted)

    store.cycle_key()

    assert keys.tag_of(store.session_key) != "victimtag000"
